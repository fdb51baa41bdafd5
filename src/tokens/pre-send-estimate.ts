/**
 * The prompt tokens the client's pre-send context check needs, at the least cost that gives the
 * same decision: the cheap upper bound ({@link promptTokensUpperBound}) when it already leaves
 * room for the output cap, otherwise the estimate, reusing the work of earlier sends
 * ({@link sharedTokenEstimateCache}). The policy compares `prompt + output cap` with the window
 * and clamps a default cap to `window - prompt`: when the bound fits under `window - cap`, so
 * does the estimate, and neither comparison nor clamp can come out differently.
 *
 * When the cheap bound does not fit, the bound is tightened part by part (the tools, then each
 * message in turn, from the cache where seen) and the check stops as soon as it fits: a long
 * prompt near the window is scanned only until its tokens are shown to leave room
 * ({@link TokenEstimateCache.messageTokensWithin}). When it never fits, every part has been
 * replaced by its estimate, and the answer is the estimate itself.
 */
import { sharedTokenEstimateCache, type TokenEstimateCache } from "./estimate-cache.ts";
import type { EstimableMessage } from "./local-estimator.ts";
import {
  jsonLengthBound,
  messageTokensUpperBound,
  promptTokensUpperBound,
} from "./prompt-token-bound.ts";

/** What {@link preSendPromptTokens} found. */
export interface PreSendPromptTokens {
  /** The estimate (`exact`), or an upper bound of it that fits in the room given. */
  tokens: number;
  /** `true` when `tokens` is the estimate itself, `false` when it is the bound. */
  exact: boolean;
}

/**
 * Prompt tokens of `messages` + `tools` for a request that may use up to `room` prompt tokens
 * (the window minus the largest output cap the request may send); `room` `undefined` means the
 * window is unknown and nothing is compared, so the bound is enough.
 */
export function preSendPromptTokens(
  messages: readonly EstimableMessage[],
  tools: readonly unknown[] | undefined,
  room: number | undefined,
  cache: TokenEstimateCache = sharedTokenEstimateCache,
): PreSendPromptTokens {
  const bound = promptTokensUpperBound(messages, tools);
  if (Number.isFinite(bound) && (room === undefined || bound <= room)) {
    return { tokens: bound, exact: false };
  }
  if (room === undefined || !Number.isFinite(bound)) {
    return { tokens: cache.promptTokens(messages, tools), exact: true };
  }
  // The bound is the request overhead plus each part's bound: swap bounds for estimates.
  let tokens = bound;
  let exact = true;
  if (tools && tools.length > 0) {
    // The tools' bound (6 characters per code unit of JSON) is the loosest: tighten it first.
    tokens += cache.textTokens(JSON.stringify(tools)) - jsonLengthBound(tools);
  }
  for (const message of messages) {
    if (tokens <= room) return { tokens, exact: false };
    const messageBound = messageTokensUpperBound(message);
    const counted = cache.messageTokensWithin(message, room - (tokens - messageBound));
    tokens += counted.tokens - messageBound;
    if (!counted.exact) exact = false;
  }
  return { tokens, exact };
}
