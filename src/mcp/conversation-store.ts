/**
 * Conversations of `kimi_chat` kept in the server's memory, so a host can continue a thread by
 * `conversation_id` without sending the history back. Bounded in time (a conversation expires
 * `ttlMs` after its last turn), in number (the least recently used is dropped beyond
 * `maxConversations`) and in size (`maxMessages`, `maxCharacters` per conversation: a turn that
 * would pass either is refused before anything is sent). Nothing is written to disk.
 */
import { InvalidRequestError } from "kimi-provider";

/** A message as kept in a conversation (wire shape; content is plain text). */
export interface StoredMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** The bounds of a {@link ConversationStore}. */
export interface ConversationLimits {
  /** A conversation expires this long after its last turn (default 30 minutes). */
  ttlMs: number;
  /** Conversations kept at once; the least recently used is dropped beyond it (default 100). */
  maxConversations: number;
  /** Messages in one conversation, system messages and file texts included (default 200). */
  maxMessages: number;
  /** Characters of message content in one conversation (default 2,000,000, ~500k tokens). */
  maxCharacters: number;
}

/** The bounds used when none are given. */
export const DEFAULT_CONVERSATION_LIMITS: ConversationLimits = {
  ttlMs: 30 * 60_000,
  maxConversations: 100,
  maxMessages: 200,
  maxCharacters: 2_000_000,
};

/** One conversation. */
export interface Conversation {
  readonly id: string;
  /** The model of its first turn, used when a later turn names none. */
  readonly model: string;
  readonly messages: readonly StoredMessage[];
  readonly characters: number;
}

interface Entry extends Conversation {
  lastUsed: number;
}

function countCharacters(messages: readonly StoredMessage[]): number {
  let total = 0;
  for (const message of messages) total += message.content.length;
  return total;
}

function duration(ms: number): string {
  const [amount, unit] =
    ms % 60_000 === 0 ? [ms / 60_000, "minute"] : [Math.round(ms / 1000), "second"];
  return `${amount} ${unit}${amount === 1 ? "" : "s"}`;
}

/** Conversations of one MCP session. */
export class ConversationStore {
  readonly limits: ConversationLimits;
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  /** `now` is the clock (milliseconds), replaceable in tests. */
  constructor(limits: Partial<ConversationLimits> = {}, now: () => number = Date.now) {
    this.limits = { ...DEFAULT_CONVERSATION_LIMITS, ...limits };
    this.#now = now;
  }

  /** Number of live conversations. */
  get size(): number {
    this.#expire();
    return this.#entries.size;
  }

  /**
   * The conversation `id`. Throws {@link InvalidRequestError} when it is unknown or expired,
   * saying how long conversations are kept.
   */
  get(id: string): Conversation {
    this.#expire();
    const entry = this.#entries.get(id);
    if (!entry) {
      throw new InvalidRequestError(
        `Unknown or expired conversation_id "${id}": conversations are kept in this server's memory for ${duration(this.limits.ttlMs)} after their last turn (at most ${this.limits.maxConversations} at a time) and are lost when it restarts. Omit conversation_id to start a new conversation.`,
      );
    }
    return entry;
  }

  /**
   * Throws {@link InvalidRequestError} when adding `added` messages to `messages` would pass the
   * size bounds. Call before sending a turn.
   */
  checkRoom(messages: readonly StoredMessage[], added: readonly StoredMessage[]): void {
    const count = messages.length + added.length;
    const characters = countCharacters(messages) + countCharacters(added);
    if (count > this.limits.maxMessages || characters > this.limits.maxCharacters) {
      throw new InvalidRequestError(
        `This conversation is full: with this turn it would hold ${count} messages and ${characters} characters, over this server's limit of ${this.limits.maxMessages} messages or ${this.limits.maxCharacters} characters. Start a new conversation (omit conversation_id), with a summary of this one if needed.`,
      );
    }
  }

  /**
   * Saves `messages` as the conversation `id` (a new id when `id` is undefined) and returns the
   * id. Beyond `maxConversations`, the least recently used conversation is dropped.
   */
  save(id: string | undefined, model: string, messages: readonly StoredMessage[]): string {
    this.#expire();
    const key = id ?? `conv_${globalThis.crypto.randomUUID().replaceAll("-", "")}`;
    this.#entries.delete(key);
    this.#entries.set(key, {
      id: key,
      model,
      messages: [...messages],
      characters: countCharacters(messages),
      lastUsed: this.#now(),
    });
    // Map order is insertion order, and every save re-inserts: the first entry is the LRU one.
    while (this.#entries.size > this.limits.maxConversations) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return key;
  }

  /** Forgets every conversation. */
  clear(): void {
    this.#entries.clear();
  }

  #expire(): void {
    const now = this.#now();
    for (const [id, entry] of this.#entries) {
      if (now - entry.lastUsed >= this.limits.ttlMs) this.#entries.delete(id);
    }
  }
}
