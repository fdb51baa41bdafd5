/**
 * Usage extraction from every placement Moonshot uses (docs/moonshot-wire.md, "Usage").
 *
 * - Non-streaming: top-level `usage`.
 * - Streaming without `include_usage`: `choices[0].usage` on the finish chunk (non-standard).
 * - Streaming with `include_usage`: an extra chunk with `choices: []` and a top-level `usage`.
 * - `cached_tokens` sits at the top of `usage` on most models, and/or under
 *   `prompt_tokens_details.cached_tokens` on newer ones; `prompt_tokens` includes the cached ones.
 * - `reasoning_tokens` (newer models) under `completion_tokens_details`; part of `completion_tokens`.
 */

/** Token usage of one call. */
export interface Usage {
  /** Prompt tokens, cached ones included (docs/moonshot-wire.md, "Usage"). */
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Prompt tokens served from the automatic cache (0 when the model reported none). */
  cachedTokens: number;
  /** Reasoning tokens inside `completionTokens`, `null` when the service did not say. */
  reasoningTokens: number | null;
}

/** Usage of a call that reported nothing. */
export function emptyUsage(): Usage {
  return {
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
    cachedTokens: 0,
    reasoningTokens: null,
  };
}

/**
 * Usage of two calls together (pure). `reasoningTokens` stays `null` only while neither call
 * reported any. A call whose usage is unknown (`null`) adds nothing: the sum then covers only
 * the calls that reported usage (their count is in the ledger's `unpricedRequests`).
 */
export function sumUsage(total: Usage, call: Usage | null): Usage {
  if (call === null) return total;
  return {
    promptTokens: total.promptTokens + call.promptTokens,
    completionTokens: total.completionTokens + call.completionTokens,
    totalTokens: total.totalTokens + call.totalTokens,
    cachedTokens: total.cachedTokens + call.cachedTokens,
    reasoningTokens:
      call.reasoningTokens === null
        ? total.reasoningTokens
        : (total.reasoningTokens ?? 0) + call.reasoningTokens,
  };
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Reads a wire `usage` object; `undefined` when `raw` is not one. */
export function parseUsage(raw: unknown): Usage | undefined {
  if (raw === null || typeof raw !== "object") return undefined;
  const usage = raw as {
    prompt_tokens?: unknown;
    completion_tokens?: unknown;
    total_tokens?: unknown;
    cached_tokens?: unknown;
    prompt_tokens_details?: { cached_tokens?: unknown } | null;
    completion_tokens_details?: { reasoning_tokens?: unknown } | null;
  };
  const promptTokens = count(usage.prompt_tokens);
  const completionTokens = count(usage.completion_tokens);
  if (promptTokens === undefined && completionTokens === undefined) return undefined;
  const prompt = promptTokens ?? 0;
  const completion = completionTokens ?? 0;
  const cached =
    count(usage.cached_tokens) ?? count(usage.prompt_tokens_details?.cached_tokens) ?? 0;
  return {
    promptTokens: prompt,
    completionTokens: completion,
    totalTokens: count(usage.total_tokens) ?? prompt + completion,
    // Never more than the prompt: prompt_tokens already includes the cached tokens.
    cachedTokens: Math.min(cached, prompt),
    reasoningTokens: count(usage.completion_tokens_details?.reasoning_tokens) ?? null,
  };
}

/**
 * Usage carried by one response body or stream chunk: top-level `usage` first (non-streaming, or
 * the `include_usage` chunk), else `choices[0].usage` (the finish chunk, docs/moonshot-wire.md, "Usage").
 */
export function extractUsage(body: unknown): Usage | undefined {
  if (body === null || typeof body !== "object") return undefined;
  const { usage, choices } = body as { usage?: unknown; choices?: unknown };
  const topLevel = parseUsage(usage);
  if (topLevel) return topLevel;
  if (Array.isArray(choices) && choices.length > 0) {
    const first: unknown = choices[0];
    if (first && typeof first === "object") return parseUsage((first as { usage?: unknown }).usage);
  }
  return undefined;
}
