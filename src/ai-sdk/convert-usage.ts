/**
 * The library's {@link Usage} in the specification's shape. `prompt_tokens` includes the cached
 * tokens (docs/moonshot-wire.md, "Usage"), so the uncached part is the difference; reasoning
 * tokens are part of `completion_tokens`, so the text part is the difference when the service
 * reported reasoning tokens at all.
 */
import type { LanguageModelV4Usage } from "@ai-sdk/provider";
import type { Usage } from "kimi-provider";

/** Converts `usage` (already summed over the rounds of one call). */
export function convertUsage(usage: Usage): LanguageModelV4Usage {
  const reasoning = usage.reasoningTokens;
  return {
    inputTokens: {
      total: usage.promptTokens,
      noCache: usage.promptTokens - usage.cachedTokens,
      cacheRead: usage.cachedTokens,
      // Moonshot's cache is automatic: nothing is billed as a cache write.
      cacheWrite: undefined,
    },
    outputTokens: {
      total: usage.completionTokens,
      text: reasoning === null ? undefined : usage.completionTokens - reasoning,
      reasoning: reasoning ?? undefined,
    },
    raw: {
      prompt_tokens: usage.promptTokens,
      completion_tokens: usage.completionTokens,
      total_tokens: usage.totalTokens,
      cached_tokens: usage.cachedTokens,
      reasoning_tokens: reasoning,
    },
  };
}
