/**
 * The bounds of the `kimi_chat` conversation store (pure, with a fake clock): expiry after the
 * last turn, least-recently-used eviction, and the size limits.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
// The MCP server shares the package's classes (it imports "kimi-provider"): so does this test.
import { InvalidRequestError } from "kimi-provider";
import { ConversationStore } from "../../src/mcp/conversation-store.ts";

const user = (content: string) => ({ role: "user" as const, content });

describe("ConversationStore", () => {
  it("expires a conversation ttlMs after its last turn, not after its first", () => {
    let now = 0;
    const store = new ConversationStore({ ttlMs: 1_000 }, () => now);
    const id = store.save(undefined, "kimi-k2.6", [user("a")]);
    now = 900;
    store.save(id, "kimi-k2.6", [user("a"), user("b")]);
    now = 1_800;
    assert.deepEqual(store.get(id).messages, [user("a"), user("b")]);
    now = 1_900;
    assert.throws(
      () => store.get(id),
      (error: unknown) =>
        error instanceof InvalidRequestError &&
        error.code === "invalid_request" &&
        error.message.startsWith(`Unknown or expired conversation_id "${id}"`) &&
        error.message.includes("for 1 second after their last turn"),
    );
    assert.equal(store.size, 0);
  });

  it("drops the least recently used conversation beyond maxConversations", () => {
    let now = 0;
    const store = new ConversationStore({ maxConversations: 2 }, () => now++);
    const a = store.save(undefined, "m", [user("a")]);
    const b = store.save(undefined, "m", [user("b")]);
    store.save(a, "m", [user("a"), user("a2")]); // a is now the most recent
    const c = store.save(undefined, "m", [user("c")]);
    assert.equal(store.size, 2);
    assert.throws(() => store.get(b), InvalidRequestError);
    assert.equal(store.get(a).messages.length, 2);
    assert.equal(store.get(c).model, "m");
  });

  it("refuses a turn that would pass maxMessages or maxCharacters", () => {
    const store = new ConversationStore({ maxMessages: 3, maxCharacters: 10 });
    store.checkRoom([user("12345")], [user("12345")]);
    assert.throws(
      () => store.checkRoom([user("12345")], [user("123456")]),
      /with this turn it would hold 2 messages and 11 characters, over this server's limit of 3 messages or 10 characters/,
    );
    assert.throws(
      () => store.checkRoom([user("1"), user("2"), user("3")], [user("4")]),
      InvalidRequestError,
    );
  });
});
