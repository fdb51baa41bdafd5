/**
 * The stream's iterator hands out the events of one socket read one by one: an answer the
 * emulator writes without delay arrives in a few reads of many events each. Checked: the events
 * and their order match the result, `next` calls made at once are answered in order, and leaving
 * in the middle of a read's events still cancels the request.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { StreamEvent } from "../../src/chat/types.ts";
import { createKimi } from "../../src/client.ts";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { AbortError } from "../../src/errors/error-classes.ts";

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seed: 5 });
});
after(() => emu.close());
beforeEach(() => emu.clearRequests());

const fast = { "x-emulator-reply-tokens": "300", "x-emulator-chunk-delay-ms": "0" };
const ask = { messages: [{ role: "user" as const, content: "Talk a lot." }], thinking: false };

function texts(events: StreamEvent[]): string {
  return events.map((event) => (event.type === "text-delta" ? event.text : "")).join("");
}

describe("the stream's events, handed out from one batch per read", () => {
  it("next() called many times at once answers in order, and the rest follows", async () => {
    const kimi = createKimi({ apiKey: "sk-iter", baseURL: emu.baseURL, env: {} });
    const stream = kimi.stream(ask, { headers: fast });
    const iterator = stream[Symbol.asyncIterator]();
    const first = await Promise.all(Array.from({ length: 8 }, () => iterator.next()));
    const events: StreamEvent[] = [];
    for (const step of first) {
      assert.equal(step.done, false);
      events.push(step.value as StreamEvent);
    }
    for (;;) {
      const step = await iterator.next();
      if (step.done) break;
      events.push(step.value);
    }
    const result = await stream.result;
    assert.equal(texts(events), result.content);
    assert.equal(events.filter((event) => event.type === "text-delta").length, 300);
    assert.deepEqual(
      events.filter((event) => event.type === "finish"),
      [
        {
          type: "finish",
          finishReason: result.finishReason,
          usage: result.usage,
          cost: result.cost,
        },
      ],
    );
    assert.equal(events.at(-1)?.type, "finish");
    assert.deepEqual(await iterator.next(), { value: undefined, done: true });
  });

  it("break after a few events of a read aborts the request and the result rejects", async () => {
    const kimi = createKimi({ apiKey: "sk-iter", baseURL: emu.baseURL, env: {} });
    const stream = kimi.stream(ask, { headers: fast });
    const seen: StreamEvent[] = [];
    for await (const event of stream) {
      seen.push(event);
      if (seen.length === 3) break;
    }
    assert.equal(seen.length, 3);
    assert.ok(seen.every((event) => event.type === "text-delta"));
    await assert.rejects(stream.result, (error: unknown) => {
      assert.ok(error instanceof AbortError);
      assert.equal(error.code, "aborted");
      return true;
    });
    assert.equal(emu.requests.filter((r) => r.path === "/v1/chat/completions").length, 1);
  });
});
