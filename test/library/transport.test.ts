/**
 * The two senders of the transport: Node's `http` module (default) and a user-supplied `fetch`.
 * Both must give the same results and the same typed failures.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createKimi } from "../../src/client.ts";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { StreamTruncatedError, TimeoutError } from "../../src/errors/error-classes.ts";

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seed: 3 });
});
after(() => emu.close());

const messages = [{ role: "user" as const, content: "Tell me about tides" }];

function clients() {
  const fetchCalls: string[] = [];
  const countingFetch: typeof fetch = (input, init) => {
    fetchCalls.push(String(input));
    return fetch(input, init);
  };
  const base = { apiKey: "sk-transport", baseURL: emu.baseURL, env: {}, maxRetries: 0 };
  return {
    fetchCalls,
    viaHttp: createKimi(base),
    viaFetch: createKimi({ ...base, fetch: countingFetch }),
  };
}

describe("transport senders", () => {
  it("a custom fetch is used for every request, with the same answers as node:http", async () => {
    const { fetchCalls, viaHttp, viaFetch } = clients();
    const plain = await viaHttp.chat({ messages });
    assert.deepEqual(fetchCalls, []);
    const fetched = await viaFetch.chat({ messages });
    assert.deepEqual(fetchCalls, [`${emu.baseURL}/chat/completions`]);
    assert.equal(fetched.content, plain.content);
    // Same prompt and answer; the second request is a prompt-cache hit, so only cachedTokens moves.
    assert.equal(fetched.usage?.promptTokens, plain.usage?.promptTokens);
    assert.equal(fetched.usage?.completionTokens, plain.usage?.completionTokens);

    const streamedHttp = await viaHttp.stream({ messages }).result;
    const streamedFetch = await viaFetch.stream({ messages }).result;
    assert.equal(fetchCalls.length, 2);
    assert.equal(streamedFetch.content, streamedHttp.content);
    assert.equal(streamedHttp.content, plain.content);
  });

  it("both senders report a stream cut mid-way as StreamTruncatedError with the partial text", async () => {
    const { viaHttp, viaFetch } = clients();
    for (const kimi of [viaHttp, viaFetch]) {
      // Thinking off, so the chunks before the cut carry answer text, not reasoning.
      const stream = kimi.stream(
        { messages, thinking: false },
        { headers: { "x-emulator-fault": "cut after=3", "x-emulator-reply-tokens": "20" } },
      );
      await assert.rejects(stream.result, (error: unknown) => {
        assert.ok(error instanceof StreamTruncatedError);
        assert.ok(error.partialContent.length > 0);
        return true;
      });
    }
  });

  it("both senders time out a stream that stalls after its headers", async () => {
    const { viaHttp, viaFetch } = clients();
    for (const kimi of [viaHttp, viaFetch]) {
      const stream = kimi.stream(
        { messages },
        { timeoutMs: 150, headers: { "x-emulator-fault": "slow ms=1000" } },
      );
      await assert.rejects(stream.result, (error: unknown) => {
        assert.ok(error instanceof TimeoutError);
        assert.equal(error.timeoutMs, 150);
        return true;
      });
    }
  });

  it("a timeout longer than setTimeout's limit (2^31-1 ms) does not fire at once", async () => {
    // Node turns a delay above 2,147,483,647 ms into 1 ms; a "practically no timeout" setting
    // must not become an immediate TimeoutError.
    const { viaHttp, viaFetch } = clients();
    for (const kimi of [viaHttp, viaFetch]) {
      const result = await kimi.stream(
        { messages },
        {
          timeoutMs: 2 ** 31,
          headers: { "x-emulator-fault": "slow ms=20", "x-emulator-reply-tokens": "3" },
        },
      ).result;
      assert.equal(result.finishReason, "stop");
    }
  });
});
