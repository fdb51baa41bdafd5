/**
 * Types describing one Kimi model: context window, prices, capabilities, sampling rules.
 * The data itself lives in `catalog.ts`.
 */

/** Prices in USD per million tokens. `null` when no public price was found. */
export interface ModelPricing {
  /** Input tokens served from the automatic prompt cache. `null`: the model has no cache price. */
  inputCacheHit: number | null;
  /** Input tokens not served from the cache (the ordinary input price). */
  inputCacheMiss: number | null;
  /** Output tokens (reasoning tokens included). */
  output: number | null;
}

/**
 * Which sampling rules apply (docs/moonshot-wire.md, "Sampling").
 * - `moonshot-v1`: temperature [0,1], default 0.
 * - `k2`: temperature [0,1], default 0.6.
 * - `k2-thinking`: temperature [0,1], default 1.0.
 * - `fixed`: K2.5 and later: temperature 1.0 (thinking on) / 0.6 (off), top_p 0.95, n 1,
 *   penalties 0; any other value is a 400.
 */
export type SamplingFamily = "moonshot-v1" | "k2" | "k2-thinking" | "fixed";

/**
 * How the model thinks:
 * - `none`: no `reasoning_content`.
 * - `always`: always reasons; `thinking` must not be sent.
 * - `toggle`: reasons by default; `thinking: {type: "disabled"}` turns it off (K2.5/K2.6).
 */
export type ThinkingMode = "none" | "always" | "toggle";

/** Lifecycle status shown in the catalog. */
export type ModelStatus = "recommended" | "current" | "legacy" | "retired";

/** K3's `reasoning_effort` values (docs/moonshot-wire.md, "Thinking"). */
export type ReasoningEffort = "low" | "high" | "max";

/** What a model accepts and produces. */
export interface ModelCapabilities {
  /** Takes function tools (`tools` in the request). */
  tools: boolean;
  /** `response_format: {type: "json_object"}`. */
  jsonMode: boolean;
  /** `response_format: {type: "json_schema"}` (2026, MFJS). */
  jsonSchema: boolean;
  /** Partial mode (assistant prefill). */
  partial: boolean;
  /** Images in `image_url` parts. */
  imageInput: boolean;
  /** Videos in `video_url` parts. */
  videoInput: boolean;
  /** Whether the model thinks: never (`none`), always, or as asked (`toggle`). */
  thinking: ThinkingMode;
  /** Accepts `thinking.keep: "all"` (Preserved Thinking). */
  thinkingKeep: boolean;
  /** Accepts `tool_choice: "required"`. */
  toolChoiceRequired: boolean;
  /** Takes the builtin `$web_search` tool. */
  webSearch: boolean;
  /** Automatic prefix caching (reports `cached_tokens`). */
  automaticCaching: boolean;
  /** `reasoning_effort` values the model accepts; empty when it takes no `reasoning_effort`. */
  reasoningEfforts: readonly ReasoningEffort[];
  /** Accepts `logprobs: true` / `top_logprobs` (K3 answers 400 "only false is allowed"). */
  logprobs: boolean;
  /** Accepts `logit_bias` (K3 answers 400 "logit_bias is not supported yet"). */
  logitBias: boolean;
}

/** One model of the catalog. */
export interface ModelInfo {
  /** Model id as sent in `model`. */
  id: string;
  /** Short human description. */
  description: string;
  /** Context window in tokens (prompt + output). */
  contextWindow: number;
  /** Prices, USD per million tokens. */
  pricing: ModelPricing;
  /** What the model accepts (tools, JSON mode, partial mode, thinking, web search, ...). */
  capabilities: ModelCapabilities;
  /** Sampling rule family. */
  sampling: SamplingFamily;
  /** Whether Moonshot still serves the model (`online`) or retired it (`retired`). */
  status: ModelStatus;
  /** Day (YYYY-MM-DD) Moonshot first served the model, when known. */
  releasedOn?: string;
  /** Day (YYYY-MM-DD) Moonshot stopped serving it; set exactly when `status` is `retired`. */
  retiredOn?: string;
  /** For a retired model: the online model that replaces it. */
  successor?: string;
  /** Default output cap the service applies when none is sent, when documented. */
  defaultMaxTokens?: number;
  /** Where the numbers come from. */
  source: string;
  /** Date (YYYY-MM-DD) the numbers were last checked against their source. */
  asOf: string;
  /** Caveats (conflicting sources, uncertain values). */
  notes?: string;
  /**
   * Whether the account can use it, as last seen by `kimi.models.refresh()` (GET /v1/models);
   * `undefined` until refreshed. Availability is account-dependent (docs/moonshot-wire.md, "Accounts and hosts").
   */
  available?: boolean;
}
