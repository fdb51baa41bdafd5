/**
 * The local token estimate, remembered. Tool loops and chat sessions resend the same history on
 * every request; estimating all of it again made the pre-send context check grow with the whole
 * conversation. This cache gives exactly the answers of {@link estimatePromptTokens} (the same
 * functions compute them) while estimating each message, and each long text, once.
 *
 * Two layers:
 * - Message objects, in a `WeakMap` (an entry lives as long as the caller keeps the message).
 *   A hit is checked against the message's fields first, so a message whose `content`, `role`,
 *   `name`, `reasoning_content`, `tool_call_id` or `tool_calls` was replaced, whose content parts
 *   were replaced or edited (`type`, `text`), or whose tool calls were replaced or had their
 *   `id`, `function.name` or `function.arguments` changed, is estimated again. Edits deeper than
 *   that in place (say, a tool call's `type`, or a field of an image part) are not seen: treat
 *   those parts of a sent message as immutable, or build a new message.
 * - Long texts (content strings, text parts, serialized tool calls and tool lists), in a bounded
 *   `Map` keyed by the text itself: an exact match, never stale. It catches history rebuilt as
 *   new objects around the same strings (adapters that convert messages on every call). It holds
 *   at most {@link TokenEstimateCacheOptions.maxTextChars} characters; the oldest go first.
 */
import {
  type EstimableMessage,
  estimateMessageTokens,
  estimateMessageTokensBesidesContent,
  estimateTextTokens,
  estimateTextTokensWithin,
  REQUEST_OVERHEAD_TOKENS,
  type TextTokensWithin,
} from "./local-estimator.ts";

/** Limits of a {@link TokenEstimateCache}'s text layer. */
export interface TokenEstimateCacheOptions {
  /**
   * Characters of text held at most (default 2,097,152: a 1 MiB prompt and its history fit).
   * The cache keeps the strings alive, so this is also its memory bound (2 bytes per character
   * at worst).
   */
  maxTextChars?: number;
  /** Texts shorter than this are estimated every time, which is as cheap as a lookup (default 64). */
  minTextLength?: number;
}

/**
 * String contents at least this long are counted only as far as a limit needs in
 * {@link TokenEstimateCache.messageTokensWithin}; shorter ones are estimated whole.
 */
const LONG_CONTENT_CHARS = 16_384;

/** What a remembered message looked like when it was estimated, and its estimate. */
interface MessageEntry {
  tokens: number;
  /** `false` when `tokens` is only a bound (see {@link TokenEstimateCache.messageTokensWithin}). */
  exact: boolean;
  role: unknown;
  content: unknown;
  name: unknown;
  reasoning: unknown;
  toolCalls: unknown;
  toolCallId: unknown;
  /** For content part arrays: each part, its `type` and its `text`, flattened. */
  parts: unknown[] | undefined;
  /** For tool call arrays: each call, its `id`, `function.name` and `function.arguments`. */
  calls: unknown[] | undefined;
}

interface PartLike {
  type?: unknown;
  text?: unknown;
}
interface CallLike {
  id?: unknown;
  function?: { name?: unknown; arguments?: unknown } | null;
}

function partsSnapshot(content: unknown): unknown[] | undefined {
  if (!Array.isArray(content)) return undefined;
  const snapshot: unknown[] = [];
  for (const part of content) {
    const typed = part !== null && typeof part === "object" ? (part as PartLike) : undefined;
    snapshot.push(part, typed?.type, typed?.text);
  }
  return snapshot;
}

function callsSnapshot(toolCalls: unknown): unknown[] | undefined {
  if (!Array.isArray(toolCalls)) return undefined;
  const snapshot: unknown[] = [];
  for (const call of toolCalls) {
    const typed = call !== null && typeof call === "object" ? (call as CallLike) : undefined;
    const fn =
      typed?.function !== null && typeof typed?.function === "object" ? typed.function : undefined;
    snapshot.push(call, typed?.id, fn?.name, fn?.arguments);
  }
  return snapshot;
}

function partsMatch(snapshot: unknown[] | undefined, content: unknown): boolean {
  if (snapshot === undefined || !Array.isArray(content)) return snapshot === undefined;
  if (snapshot.length !== content.length * 3) return false;
  for (let i = 0; i < content.length; i++) {
    const part: unknown = content[i];
    const typed = part !== null && typeof part === "object" ? (part as PartLike) : undefined;
    const at = i * 3;
    if (
      snapshot[at] !== part ||
      snapshot[at + 1] !== typed?.type ||
      snapshot[at + 2] !== typed?.text
    ) {
      return false;
    }
  }
  return true;
}

function callsMatch(snapshot: unknown[] | undefined, toolCalls: unknown): boolean {
  if (snapshot === undefined || !Array.isArray(toolCalls)) return snapshot === undefined;
  if (snapshot.length !== toolCalls.length * 4) return false;
  for (let i = 0; i < toolCalls.length; i++) {
    const call: unknown = toolCalls[i];
    const typed = call !== null && typeof call === "object" ? (call as CallLike) : undefined;
    const fn =
      typed?.function !== null && typeof typed?.function === "object" ? typed.function : undefined;
    const at = i * 4;
    if (
      snapshot[at] !== call ||
      snapshot[at + 1] !== typed?.id ||
      snapshot[at + 2] !== fn?.name ||
      snapshot[at + 3] !== fn?.arguments
    ) {
      return false;
    }
  }
  return true;
}

/**
 * A memo of local token estimates with the exact answers of {@link estimatePromptTokens}. Used
 * by the client's pre-send context check through {@link sharedTokenEstimateCache}; create your own
 * to keep estimates apart (say, per conversation).
 */
export class TokenEstimateCache {
  readonly #messages = new WeakMap<object, MessageEntry>();
  readonly #texts = new Map<string, number>();
  readonly #maxTextChars: number;
  readonly #minTextLength: number;
  #textChars = 0;

  /** An empty cache with the given limits. */
  constructor(options: TokenEstimateCacheOptions = {}) {
    this.#maxTextChars = options.maxTextChars ?? 2_097_152;
    this.#minTextLength = options.minTextLength ?? 64;
  }

  /** Characters of text the cache holds now (at most `maxTextChars`). */
  get textChars(): number {
    return this.#textChars;
  }

  /** {@link estimateTextTokens} of `text`, from the cache when this text was seen. */
  textTokens(text: string): number {
    if (typeof text !== "string" || text.length < this.#minTextLength) {
      return estimateTextTokens(text);
    }
    const known = this.#texts.get(text);
    if (known !== undefined && known >= 0) return known;
    const tokens = estimateTextTokens(text);
    this.#rememberText(text, tokens, known !== undefined);
    return tokens;
  }

  /**
   * {@link estimateTextTokensWithin} of `text`, from the cache when this text was seen: its
   * estimate, or a bound of it at most `limit` remembered from an earlier call.
   */
  textTokensWithin(text: string, limit: number): TextTokensWithin {
    if (text.length < this.#minTextLength) return estimateTextTokensWithin(text, limit);
    const known = this.#texts.get(text);
    if (known !== undefined) {
      if (known >= 0) return { tokens: known, exact: true };
      // A bound is remembered as `-bound - 1`.
      if (-known - 1 <= limit) return { tokens: -known - 1, exact: false };
    }
    const found = estimateTextTokensWithin(text, limit);
    this.#rememberText(text, found.exact ? found.tokens : -found.tokens - 1, known !== undefined);
    return found;
  }

  /** Stores `value` for `text` (a count, or `-bound - 1`), making room oldest first. */
  #rememberText(text: string, value: number, present: boolean): void {
    if (present) {
      this.#texts.set(text, value);
      return;
    }
    if (text.length > this.#maxTextChars) return;
    // Oldest first: Map iteration follows insertion order.
    for (const [old] of this.#texts) {
      if (this.#textChars + text.length <= this.#maxTextChars) break;
      this.#texts.delete(old);
      this.#textChars -= old.length;
    }
    this.#texts.set(text, value);
    this.#textChars += text.length;
  }

  /** `estimateMessageTokens(message)`, from the cache when this message was seen unchanged. */
  messageTokens(message: EstimableMessage): number {
    const entry = this.#entry(message);
    if (entry?.exact) return entry.tokens;
    const tokens = this.#estimateMessage(message);
    this.#remember(message, tokens, true);
    return tokens;
  }

  /**
   * `estimateMessageTokens(message)`, or less work when the answer only has to be "at most
   * `limit`": a long string content is counted only until the message's tokens are shown to be
   * at most `limit` ({@link estimateTextTokensWithin}), and that bound is returned.
   */
  messageTokensWithin(message: EstimableMessage, limit: number): TextTokensWithin {
    const entry = this.#entry(message);
    if (entry !== undefined && (entry.exact || entry.tokens <= limit)) {
      return { tokens: entry.tokens, exact: entry.exact };
    }
    const content = message?.content;
    if (typeof content !== "string" || content.length < LONG_CONTENT_CHARS) {
      return { tokens: this.messageTokens(message), exact: true };
    }
    const besides = estimateMessageTokensBesidesContent(message, this.#countText);
    const counted = this.textTokensWithin(content, limit - besides);
    const tokens = besides + counted.tokens;
    this.#remember(message, tokens, counted.exact);
    return { tokens, exact: counted.exact };
  }

  /** The remembered entry of `message`, if it still matches the message's fields. */
  #entry(message: EstimableMessage): MessageEntry | undefined {
    if (message === null || typeof message !== "object") return undefined;
    const entry = this.#messages.get(message);
    if (
      entry !== undefined &&
      entry.role === message.role &&
      entry.content === message.content &&
      entry.name === message.name &&
      entry.reasoning === message.reasoning_content &&
      entry.toolCalls === message.tool_calls &&
      entry.toolCallId === message.tool_call_id &&
      partsMatch(entry.parts, message.content) &&
      callsMatch(entry.calls, message.tool_calls)
    ) {
      return entry;
    }
    return undefined;
  }

  #remember(message: EstimableMessage, tokens: number, exact: boolean): void {
    if (message === null || typeof message !== "object") return;
    this.#messages.set(message, {
      tokens,
      exact,
      role: message.role,
      content: message.content,
      name: message.name,
      reasoning: message.reasoning_content,
      toolCalls: message.tool_calls,
      toolCallId: message.tool_call_id,
      parts: partsSnapshot(message.content),
      calls: callsSnapshot(message.tool_calls),
    });
  }

  /** `estimatePromptTokens(messages, tools)`, reusing what this cache has seen. */
  promptTokens(messages: readonly EstimableMessage[], tools?: readonly unknown[]): number {
    let total = REQUEST_OVERHEAD_TOKENS;
    for (const message of messages) total += this.messageTokens(message);
    if (tools && tools.length > 0) total += this.textTokens(JSON.stringify(tools));
    return total;
  }

  // The estimator's own sums (one home: local-estimator.ts), with texts through the cache.
  #estimateMessage(message: EstimableMessage): number {
    return estimateMessageTokens(message, this.#countText);
  }

  readonly #countText = (text: string): number => this.textTokens(text);
}

/** The cache the client's pre-send context check uses (one per process). */
export const sharedTokenEstimateCache = new TokenEstimateCache();
