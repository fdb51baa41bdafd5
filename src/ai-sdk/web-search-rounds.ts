/**
 * Moonshot's `$web_search` inside one model call. The service answers with a `$web_search` tool
 * call whose arguments it generated; the client runs nothing and echoes them in a `tool` message,
 * and the next request gets the answer (docs/moonshot-wire.md, "Tools"). The AI SDK has no tool
 * to run for it, so the provider makes those rounds itself and reports one answer, with the
 * usage and cost of every round.
 */
import {
  answerWebSearchCalls,
  type ChatRequest,
  type ChatResult,
  isWebSearchCall,
  type Usage,
} from "kimi-provider";
import { addCost, sumUsage } from "kimi-provider/internal";

/** Requests one call may make for searches before its answer is reported as it is. */
export const MAX_SEARCH_ROUNDS = 4;

/** Whether `result` only asks for searches (the model waits for their results). */
export function wantsSearchResults(result: ChatResult): boolean {
  return result.toolCalls.length > 0 && result.toolCalls.every(isWebSearchCall);
}

/** The request that hands the search results back: the answer and its echoes appended. */
export function afterSearch(request: ChatRequest, result: ChatResult): ChatRequest {
  return {
    ...request,
    messages: [...request.messages, result.message, ...answerWebSearchCalls(result.toolCalls)],
  };
}

/** Totals over the requests of one call. */
export interface CallTotals {
  /** `null` when any request of the call reported no usage: the total is then unknown. */
  usage: Usage | null;
  costUsd: number | null;
  webSearchCalls: number;
}

/** Adds one request's result to the totals (`undefined`: the first request). */
export function addToTotals(totals: CallTotals | undefined, result: ChatResult): CallTotals {
  if (totals === undefined) {
    return {
      usage: result.usage,
      costUsd: result.cost.total,
      webSearchCalls: result.webSearchCalls,
    };
  }
  return {
    usage:
      totals.usage === null || result.usage === null ? null : sumUsage(totals.usage, result.usage),
    costUsd: addCost(totals.costUsd, result.cost.total),
    webSearchCalls: totals.webSearchCalls + result.webSearchCalls,
  };
}
