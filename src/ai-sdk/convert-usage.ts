/**
 * The library's {@link Usage} in the specification's shape. `prompt_tokens` includes the cached
 * tokens (docs/moonshot-wire.md, "Usage"), so the uncached part is the difference; reasoning
 * tokens are part of `completion_tokens`, so the text part is the difference when the service
 * reported reasoning tokens at all.
 */
import type { LanguageModelV4Usage } from "@ai-sdk/provider";
import type { Usage } from "kimi-provider";

/**
 * Converts `usage` (already summed over the rounds of one call); `null` (the service reported no
 * usage) becomes the specification's unknown counts, never zeros.
 */
export function convertUsage(usage: Usage | null): LanguageModelV4Usage {
  if (usage === null) {
    return {
      inputTokens: {
        total: undefined,
        noCache: undefined,
        cacheRead: undefined,
        cacheWrite: undefined,
      },
      outputTokens: { total: undefined, text: undefined, reasoning: undefined },
    };
  }
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
