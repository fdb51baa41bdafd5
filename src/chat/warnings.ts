/**
 * Warnings: things a call did or found that the caller should know about but that are not
 * failures (a retired model answered by its successor, an output cap raised or too small for a
 * thinking model, an answer whose whole output went into reasoning). Each has a stable `code`.
 * They reach `createKimi({ onWarning })` and the result's `warnings`.
 */

/** Stable codes of {@link KimiWarning}s, safe to switch on. */
export type KimiWarningCode =
  | "model-retired-fallback"
  | "max-tokens-raised-for-thinking"
  | "max-tokens-low-for-thinking"
  | "output-spent-on-reasoning";

/**
 * A retired model answered 404 and the request was re-sent once to its successor
 * (`modelFallback: "successor"`).
 */
export interface ModelRetiredFallbackWarning {
  code: "model-retired-fallback";
  /** What happened and how to stop relying on the fallback. */
  message: string;
  /** The retired model the request named. */
  model: string;
  /** Day (YYYY-MM-DD) Moonshot retired it. */
  retiredOn: string;
  /** The model the request was re-sent to. */
  successor: string;
}

/**
 * The configured default output cap (KIMI_MAX_TOKENS) was below what a thinking model needs and
 * was raised for this request (an explicit `maxTokens` is never raised).
 */
export interface MaxTokensRaisedWarning {
  code: "max-tokens-raised-for-thinking";
  message: string;
  /** The thinking model. */
  model: string;
  /** The configured default. */
  configured: number;
  /** The `max_tokens` sent instead. */
  sent: number;
}

/** An explicit `maxTokens` below what a thinking model needs was sent as given. */
export interface MaxTokensLowWarning {
  code: "max-tokens-low-for-thinking";
  message: string;
  /** The thinking model. */
  model: string;
  /** The `maxTokens` the request set (and that was sent). */
  maxTokens: number;
  /** The smallest cap recommended for thinking models. */
  recommended: number;
}

/**
 * A thinking model stopped at the output cap (`finish_reason: "length"`) before writing any
 * answer: every output token went into reasoning, and `content` is empty.
 */
export interface OutputSpentOnReasoningWarning {
  code: "output-spent-on-reasoning";
  message: string;
  /** The model that answered. */
  model: string;
  /** The `max_tokens` sent, when the library set one. */
  maxTokens: number | undefined;
  /** Reasoning tokens the service reported, `null` when it did not say. */
  reasoningTokens: number | null;
}

/** Any warning a call can raise; discriminated by `code`. */
export type KimiWarning =
  | ModelRetiredFallbackWarning
  | MaxTokensRaisedWarning
  | MaxTokensLowWarning
  | OutputSpentOnReasoningWarning;

/** Receives warnings as they happen (`createKimi({ onWarning })`). */
export type WarningHandler = (warning: KimiWarning) => void;
