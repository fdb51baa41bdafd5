/**
 * What `chat` reports about a finished answer: the `--json` object (a contract scripts rely on)
 * and the one-line summary printed on stderr after a streamed answer.
 */
import type { ChatResult } from "kimi-provider";
import { formatCount, formatPercent, formatUsd } from "./format.ts";

/** The `chat --json` object: snake_case, the service's tool calls, USD costs. */
export interface ChatJson {
  model: string;
  content: string;
  reasoning_content: string | null;
  tool_calls: ChatResult["toolCalls"];
  finish_reason: string;
  /** `null` when the service reported no usage (unknown, not zero). */
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    cached_tokens: number;
  } | null;
  cost_usd: { input: number | null; output: number | null; total: number | null };
}

/** Builds the `chat --json` object from a result. */
export function chatJson(result: ChatResult): ChatJson {
  return {
    model: result.model,
    content: result.content,
    reasoning_content: result.reasoningContent,
    tool_calls: result.toolCalls,
    finish_reason: result.finishReason,
    usage:
      result.usage === null
        ? null
        : {
            prompt_tokens: result.usage.promptTokens,
            completion_tokens: result.usage.completionTokens,
            total_tokens: result.usage.totalTokens,
            cached_tokens: result.usage.cachedTokens,
          },
    cost_usd: { input: result.cost.input, output: result.cost.output, total: result.cost.total },
  };
}

/**
 * `kimi-k2.6: 1,234 prompt tokens (56% cached) + 321 completion = 1,555 tokens, $0.000456`, or
 * `kimi-k2.6: usage unknown (the service reported none), cost unknown`. An answer of the local
 * emulator costs nothing: `$0 (emulator)`, whatever the catalog price of its tokens.
 */
export function summaryLine(result: ChatResult, options: { emulator?: boolean } = {}): string {
  const { usage } = result;
  const cost = options.emulator === true ? "$0 (emulator)" : formatUsd(result.cost.total);
  if (usage === null) {
    return `${result.model}: usage unknown (the service reported none), cost ${cost}`;
  }
  const share = usage.promptTokens === 0 ? 0 : usage.cachedTokens / usage.promptTokens;
  return `${result.model}: ${formatCount(usage.promptTokens)} prompt tokens (${formatPercent(share)} cached) + ${formatCount(usage.completionTokens)} completion = ${formatCount(usage.totalTokens)} tokens, ${cost}`;
}
