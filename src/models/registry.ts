/**
 * The model registry of one client: the built-in catalog, the user's overrides and additions
 * (`createKimi({ models })`), and what `GET /v1/models` last said about the account.
 */
import type { z } from "zod";
import { ConfigurationError, InvalidRequestError } from "../errors/error-classes.ts";
import type { HttpTransport } from "../http/transport.ts";
import { loadZod, type Zod } from "../schema/zod-loader.ts";
import { MODEL_CATALOG } from "./catalog.ts";
import type { ModelCapabilities, ModelInfo, ModelPricing } from "./model-info.ts";
import { listModels, type RemoteModel } from "./remote-models.ts";

/** A partial model entry: merged over the catalog entry of the same id, or a new model. */
export type ModelOverride = Partial<Omit<ModelInfo, "pricing" | "capabilities">> & {
  pricing?: Partial<ModelPricing>;
  capabilities?: Partial<ModelCapabilities>;
};

/**
 * `createKimi({ models })`: full entries (added, or replacing the catalog entry of the same id),
 * or a map from id to a partial entry merged over the catalog one. A new id needs at least
 * `contextWindow`.
 */
export type ModelOverrides = ModelInfo[] | Record<string, ModelOverride>;

/** One model after {@link ModelRegistry.refresh}. */
export interface RefreshedModel {
  id: string;
  /** Listed by GET /v1/models for this account. */
  available: boolean;
  /** Present in the built-in catalog. */
  inCatalog: boolean;
  /** The registry entry after the merge. */
  model: ModelInfo;
}

/**
 * Capabilities assumed for a model the library does not know (user-added or only listed by the
 * service): permissive, so that the service, not this library, decides what it accepts.
 */
const UNKNOWN_CAPABILITIES: ModelCapabilities = {
  tools: true,
  jsonMode: true,
  jsonSchema: true,
  partial: true,
  imageInput: false,
  videoInput: false,
  thinking: "toggle",
  thinkingKeep: true,
  toolChoiceRequired: true,
  webSearch: true,
  automaticCaching: true,
  reasoningEfforts: ["low", "high", "max"],
  logprobs: true,
  logitBias: true,
};

let overrideSchema: z.ZodType | undefined;

/**
 * The schema of a model override, built on first use: zod is loaded only by clients that pass
 * `models` (see src/schema/zod-loader.ts).
 */
function getOverrideSchema(): z.ZodType {
  overrideSchema ??= buildOverrideSchema(loadZod());
  return overrideSchema;
}

function buildOverrideSchema(zod: Zod): z.ZodType {
  const { z } = zod;
  const price = z.number().nonnegative().nullable();
  return z
    .object({
      id: z.string().min(1).optional(),
      description: z.string().optional(),
      contextWindow: z.number().int().positive().optional(),
      pricing: z
        .object({ inputCacheHit: price, inputCacheMiss: price, output: price })
        .partial()
        .optional(),
      capabilities: z
        .object({
          tools: z.boolean(),
          jsonMode: z.boolean(),
          jsonSchema: z.boolean(),
          partial: z.boolean(),
          imageInput: z.boolean(),
          videoInput: z.boolean(),
          thinking: z.enum(["none", "always", "toggle"]),
          thinkingKeep: z.boolean(),
          toolChoiceRequired: z.boolean(),
          webSearch: z.boolean(),
          automaticCaching: z.boolean(),
          reasoningEfforts: z.array(z.enum(["low", "high", "max"])),
          logprobs: z.boolean(),
          logitBias: z.boolean(),
        })
        .partial()
        .optional(),
      sampling: z.enum(["moonshot-v1", "k2", "k2-thinking", "fixed"]).optional(),
      status: z.enum(["recommended", "current", "legacy", "retired"]).optional(),
      releasedOn: z.string().optional(),
      retiredOn: z.string().optional(),
      successor: z.string().optional(),
      defaultMaxTokens: z.number().int().positive().optional(),
      source: z.string().optional(),
      asOf: z.string().optional(),
      notes: z.string().optional(),
      available: z.boolean().optional(),
    })
    .strict();
}

function merge(id: string, base: ModelInfo | undefined, override: ModelOverride): ModelInfo {
  if (!base && override.contextWindow === undefined) {
    throw new ConfigurationError(
      `Invalid option \`models\`: "${id}" is not in the catalog, so it needs at least \`contextWindow\` (and \`pricing\` to get costs). Add e.g. { contextWindow: 262144, pricing: { inputCacheHit: 0.15, inputCacheMiss: 0.6, output: 2.5 } }.`,
      { setting: "models" },
    );
  }
  return {
    description: base?.description ?? "Model added by the user.",
    contextWindow: base?.contextWindow ?? 0,
    sampling: base?.sampling ?? "k2",
    status: base?.status ?? "current",
    source: base ? base.source : "user override",
    asOf: base?.asOf ?? new Date(0).toISOString().slice(0, 10),
    ...base,
    ...override,
    id,
    pricing: {
      inputCacheHit: null,
      inputCacheMiss: null,
      output: null,
      ...base?.pricing,
      ...override.pricing,
    },
    capabilities: { ...(base?.capabilities ?? UNKNOWN_CAPABILITIES), ...override.capabilities },
  } as ModelInfo;
}

function validate(id: string, override: unknown): ModelOverride {
  const parsed = getOverrideSchema().safeParse(override);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join(".") : "";
    throw new ConfigurationError(
      `Invalid option \`models\` for "${id}"${where ? ` at \`${where}\`` : ""}: ${issue?.message ?? "invalid entry"}. Prices are USD per million tokens (numbers or null), contextWindow a positive whole number.`,
      { setting: "models" },
    );
  }
  return parsed.data as ModelOverride;
}

/** Models known to one client. */
export class ModelRegistry {
  readonly #models = new Map<string, ModelInfo>();

  /** Builds the registry from the catalog and `overrides` (validated; throws ConfigurationError). */
  constructor(overrides?: ModelOverrides) {
    for (const model of MODEL_CATALOG) this.#models.set(model.id, model);
    if (Array.isArray(overrides)) {
      for (const entry of overrides) {
        const id = (entry as { id?: unknown })?.id;
        if (typeof id !== "string" || id === "") {
          throw new ConfigurationError(
            "Invalid option `models`: every entry of the array needs an `id`. Use { id, contextWindow, pricing, ... }.",
            { setting: "models" },
          );
        }
        this.#models.set(id, merge(id, this.#models.get(id), validate(id, entry)));
      }
    } else if (overrides) {
      for (const [id, override] of Object.entries(overrides)) {
        this.#models.set(id, merge(id, this.#models.get(id), validate(id, override)));
      }
    }
  }

  /** The entry for `id` (catalog + overrides), `undefined` for an unknown id. */
  get(id: string): ModelInfo | undefined {
    return this.#models.get(id);
  }

  /** Like {@link get} but throws an {@link InvalidRequestError} naming the known ids. */
  require(id: string): ModelInfo {
    const model = this.#models.get(id);
    if (!model) {
      const known = [...this.#models.keys()].join(", ");
      throw new InvalidRequestError(
        `Unknown model "${id}". Known models: ${known}. Add it with createKimi({ models: { "${id}": { contextWindow, pricing } } }) or run \`kimi-provider models --refresh\`.`,
      );
    }
    return model;
  }

  /** Every model, catalog order first, then additions. */
  list(): ModelInfo[] {
    return [...this.#models.values()];
  }

  /**
   * Merges `GET /v1/models` into the registry: context windows and image/video flags from the
   * service, new ids added, and catalog models the account no longer lists marked
   * `available: false` (availability is account-dependent, docs/moonshot-wire.md, "Accounts and hosts").
   */
  async refresh(
    http: HttpTransport,
    options: { signal?: AbortSignal } = {},
  ): Promise<RefreshedModel[]> {
    const remote = await listModels(http, options);
    return this.applyRemote(remote);
  }

  /** The merge step of {@link refresh}, for a list obtained elsewhere. */
  applyRemote(remote: readonly RemoteModel[]): RefreshedModel[] {
    const listed = new Map(remote.map((entry) => [entry.id, entry]));
    const catalogIds = new Set(MODEL_CATALOG.map((model) => model.id));
    for (const entry of remote) {
      const base = this.#models.get(entry.id);
      const capabilities: Partial<ModelCapabilities> = {};
      if (entry.supportsImageIn !== undefined) capabilities.imageInput = entry.supportsImageIn;
      if (entry.supportsVideoIn !== undefined) capabilities.videoInput = entry.supportsVideoIn;
      if (!base && entry.supportsReasoning === false) capabilities.thinking = "none";
      this.#models.set(
        entry.id,
        merge(entry.id, base, {
          contextWindow: entry.contextLength ?? base?.contextWindow ?? 131_072,
          capabilities,
          available: true,
          ...(base
            ? {}
            : {
                description: "Listed by GET /v1/models; not in the built-in catalog.",
                source: "GET /v1/models",
              }),
        }),
      );
    }
    const result: RefreshedModel[] = [];
    for (const [id, model] of this.#models) {
      const available = listed.has(id);
      const updated = available ? model : { ...model, available: false };
      this.#models.set(id, updated);
      result.push({ id, available, inCatalog: catalogIds.has(id), model: updated });
    }
    return result;
  }
}
