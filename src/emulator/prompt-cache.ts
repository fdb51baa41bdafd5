/**
 * Automatic prefix caching (docs/moonshot-wire.md "Usage"): a request whose leading messages (with the same
 * tools, byte-identical once serialized) match an earlier request's prompt reports
 * `cached_tokens` = tokens of the longest matched prefix of whole messages. Keys are hashes of
 * each prefix, kept in an LRU map so memory stays bounded.
 */
import { createHash } from "node:crypto";

/** LRU of prompt-prefix hashes. */
export class PromptCache {
  readonly #capacity: number;
  readonly #entries = new Map<string, true>();

  /** @param capacity maximum number of prefix entries kept (each request adds one per message). */
  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  /**
   * Records this request's prefixes and returns how many leading messages were already cached.
   * `scope` separates models; `tools` is hashed first because the template renders tools ahead
   * of the messages.
   */
  lookupAndStore(scope: string, tools: string, messages: readonly unknown[]): number {
    const hash = createHash("sha1");
    hash.update(scope);
    hash.update("\u0000");
    hash.update(tools);
    let matched = 0;
    let stillMatching = true;
    for (let i = 0; i < messages.length; i++) {
      hash.update("\u0000");
      hash.update(JSON.stringify(messages[i]));
      const key = hash.copy().digest("base64");
      if (stillMatching && this.#entries.has(key)) {
        matched = i + 1;
        this.#entries.delete(key); // refresh LRU position
      } else {
        stillMatching = false;
      }
      this.#entries.set(key, true);
    }
    while (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return matched;
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
  }
}
