/**
 * Detecting an answer whose whole output went into reasoning: a thinking model stopped at the
 * output cap (`finish_reason: "length"`) before writing any content, so the result would be an
 * empty string with no hint why (recorded with kimi-k2.6 at 32 tokens; docs/moonshot-wire.md,
 * "Thinking"). Pure.
 */
import type { ChatResult } from "./types.ts";
import type { OutputSpentOnReasoningWarning } from "./warnings.ts";

/**
 * The warning for `result` when its output was spent on reasoning, else `undefined`. `prefix` is
 * the partial-mode prefix re-joined to `result.content` (not part of the answer).
 */
export function outputSpentOnReasoning(
  result: ChatResult,
  maxTokens: number | undefined,
  prefix = "",
): OutputSpentOnReasoningWarning | undefined {
  if (result.finishReason !== "length") return undefined;
  if (result.content.length > prefix.length || result.toolCalls.length > 0) return undefined;
  const reasoningTokens = result.usage?.reasoningTokens ?? null;
  if (!result.reasoningContent && !(reasoningTokens !== null && reasoningTokens > 0)) {
    return undefined;
  }
  const cap = maxTokens === undefined ? "the output cap" : `max_tokens ${maxTokens}`;
  return {
    code: "output-spent-on-reasoning",
    message: `${result.model} spent all of ${cap} on reasoning${reasoningTokens === null ? "" : ` (${reasoningTokens} reasoning tokens)`} and wrote no answer (finish_reason "length"). Raise maxTokens (at least 16000 for thinking models) and ask again.`,
    model: result.model,
    maxTokens,
    reasoningTokens,
  };
}
