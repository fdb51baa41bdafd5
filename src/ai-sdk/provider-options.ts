/**
 * `providerOptions.kimi`: the Kimi settings the AI SDK's call options have no field for.
 * Checked by hand (no schema library on this path): a wrong type is an `InvalidArgumentError`
 * before anything is sent; an unknown key is reported as a warning, so a typo is visible.
 */
import {
  InvalidArgumentError,
  type SharedV4ProviderOptions,
  type SharedV4Warning,
} from "@ai-sdk/provider";
import type { ReasoningEffort, ThinkingSetting } from "kimi-provider";

/** The key of Kimi's entry in `providerOptions` (input) and `providerMetadata` (output). */
export const KIMI_PROVIDER_KEY = "kimi";

/** What `providerOptions.kimi` may hold on a call. */
export interface KimiLanguageModelOptions {
  /**
   * Thinking on models that can toggle it (kimi-k2.6): `false` for a plain answer. `true`, or the
   * wire object (`{ type: "enabled", keep: "all" }` for Preserved Thinking). Not sent to models
   * that always or never think.
   */
  thinking?: boolean | ThinkingSetting;
  /** `reasoning_effort` (kimi-k3: `low`, `high`, `max`); dropped with a warning elsewhere. */
  reasoningEffort?: ReasoningEffort;
  /** `prompt_cache_key`: a stable id (session, task) that improves automatic cache hits. */
  promptCacheKey?: string;
  /**
   * Partial mode: the prompt's last message is an assistant prefix the model continues (the
   * answer holds only the continuation). Also settable per message with
   * `providerOptions.kimi.partial` on that assistant message.
   */
  partial?: boolean;
  /**
   * Lets the model search the web with Moonshot's builtin `$web_search` (billed per search).
   * The search round trip runs inside the one model call; thinking is turned off for it on models
   * that can turn it off, since the service refuses `$web_search` with thinking on.
   */
  webSearch?: boolean;
}

const KNOWN_KEYS = new Set([
  "thinking",
  "reasoningEffort",
  "promptCacheKey",
  "partial",
  "webSearch",
]);
const EFFORTS: readonly string[] = ["low", "high", "max"];

function invalid(key: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument: `providerOptions.kimi.${key}`, message });
}

function readThinking(value: unknown): boolean | ThinkingSetting {
  if (typeof value === "boolean") return value;
  if (value !== null && typeof value === "object") {
    const { type, keep } = value as { type?: unknown; keep?: unknown };
    if ((type === "enabled" || type === "disabled") && (keep === undefined || keep === "all")) {
      return keep === undefined ? { type } : { type, keep };
    }
  }
  throw invalid(
    "thinking",
    `must be true, false or { type: "enabled" | "disabled", keep?: "all" }; got ${JSON.stringify(value)}.`,
  );
}

/** Reads `providerOptions.kimi`; throws `InvalidArgumentError` for a value of the wrong type. */
export function parseKimiOptions(
  providerOptions: SharedV4ProviderOptions | undefined,
  warnings: SharedV4Warning[],
): KimiLanguageModelOptions {
  const raw = providerOptions?.[KIMI_PROVIDER_KEY];
  if (raw === undefined) return {};
  const options: KimiLanguageModelOptions = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (!KNOWN_KEYS.has(key)) {
      warnings.push({
        type: "other",
        message: `providerOptions.kimi.${key} is not a Kimi option and was ignored (known: ${[...KNOWN_KEYS].join(", ")}).`,
      });
      continue;
    }
    switch (key) {
      case "thinking":
        options.thinking = readThinking(value);
        break;
      case "reasoningEffort":
        if (typeof value !== "string" || !EFFORTS.includes(value)) {
          throw invalid(key, `must be "low", "high" or "max"; got ${JSON.stringify(value)}.`);
        }
        options.reasoningEffort = value as ReasoningEffort;
        break;
      case "promptCacheKey":
        if (typeof value !== "string" || value === "") {
          throw invalid(key, `must be a non-empty string; got ${JSON.stringify(value)}.`);
        }
        options.promptCacheKey = value;
        break;
      case "partial":
      case "webSearch":
        if (typeof value !== "boolean") {
          throw invalid(key, `must be true or false; got ${JSON.stringify(value)}.`);
        }
        options[key] = value;
        break;
    }
  }
  return options;
}

/** Whether a prompt message asks for partial mode (`providerOptions.kimi.partial: true`). */
export function messageIsPartial(providerOptions: SharedV4ProviderOptions | undefined): boolean {
  return providerOptions?.[KIMI_PROVIDER_KEY]?.partial === true;
}
