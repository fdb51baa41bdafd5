/**
 * `createKimiProvider()`: the AI SDK provider for Kimi, built on one library client
 * (`createKimi`) that every model of the provider shares: one connection pool, one usage ledger,
 * one retry policy, one file registry.
 */
import { type LanguageModelV4, NoSuchModelError, type ProviderV4 } from "@ai-sdk/provider";
import { createKimi, type Kimi, type KimiOptions } from "kimi-provider";
import { KimiChatLanguageModel } from "./language-model.ts";

/** Model ids of the online lineup (docs/moonshot-wire.md, "Models and lineup"); any id is accepted. */
export type KimiModelId =
  | "kimi-k3"
  | "kimi-k2.7-code"
  | "kimi-k2.7-code-highspeed"
  | "kimi-k2.6"
  | (string & {});

/**
 * Options of {@link createKimiProvider}: every {@link KimiOptions} of `createKimi` (API key, base
 * URL, retries, timeout, model overrides, hooks...), or an existing `client` to share.
 */
export interface KimiProviderOptions extends KimiOptions {
  /** A client from `createKimi()` to use instead of creating one (the other options are then ignored). */
  client?: Kimi;
}

/** The Kimi provider: call it with a model id, as the AI SDK's providers are called. */
export interface KimiProvider extends ProviderV4 {
  /** The language model for `modelId` (`kimi("kimi-k2.6")`). */
  (modelId: KimiModelId): LanguageModelV4;
  /** Same as calling the provider. */
  languageModel(modelId: KimiModelId): LanguageModelV4;
  /** Same as calling the provider. */
  chatModel(modelId: KimiModelId): LanguageModelV4;
  /**
   * The library client the models use: its `usage` ledger totals every call the AI SDK made,
   * its `files` and `models` are there for the rest of the API. Created on first use for the
   * default {@link kimi} instance.
   */
  readonly client: Kimi;
}

function buildProvider(client: () => Kimi): KimiProvider {
  const languageModel = (modelId: KimiModelId): LanguageModelV4 =>
    new KimiChatLanguageModel(modelId, client);
  const provider = (modelId: KimiModelId) => languageModel(modelId);
  return Object.defineProperties(provider, {
    specificationVersion: { value: "v4", enumerable: true },
    languageModel: { value: languageModel, enumerable: true },
    chatModel: { value: languageModel, enumerable: true },
    embeddingModel: {
      value: (modelId: string) => {
        throw new NoSuchModelError({ modelId, modelType: "embeddingModel" });
      },
      enumerable: true,
    },
    imageModel: {
      value: (modelId: string) => {
        throw new NoSuchModelError({ modelId, modelType: "imageModel" });
      },
      enumerable: true,
    },
    client: { get: client, enumerable: true },
  }) as KimiProvider;
}

/**
 * Creates a Kimi provider for the Vercel AI SDK. Validates the options at once (a bad setting is
 * a `ConfigurationError` here, not on the first call) and creates the one client all its models
 * share.
 *
 * ```ts
 * const kimi = createKimiProvider({ apiKey: process.env.KIMI_API_KEY, maxRetries: 3 });
 * const { text } = await generateText({ model: kimi("kimi-k2.6"), prompt: "Hi" });
 * ```
 */
export function createKimiProvider(options: KimiProviderOptions = {}): KimiProvider {
  const { client, ...settings } = options;
  const kimi = client ?? createKimi(settings);
  return buildProvider(() => kimi);
}

let defaultClient: Kimi | undefined;

/**
 * The default provider: settings from the environment (`KIMI_API_KEY`, `KIMI_BASE_URL`, ...),
 * read when the first model call is made, so that importing this module never fails and sees
 * variables set after import.
 */
export const kimi: KimiProvider = buildProvider(() => {
  defaultClient ??= createKimi();
  return defaultClient;
});
