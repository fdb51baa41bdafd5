/**
 * Retry waits: a service that asks for a longer wait than `retry.maxDelayMs` is not retried early
 * (that would only be refused again): the error says so and carries the service's wait.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createKimi } from "../../src/client.ts";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { RateLimitError } from "../../src/errors/error-classes.ts";
import type { RetryEvent } from "../../src/http/transport.ts";

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seed: 5 });
});
after(() => emu.close());

describe("a requested wait longer than maxDelayMs", () => {
  it("gives up at once with the service's wait in retryAfterMs, and says why", async () => {
    const retries: RetryEvent[] = [];
    const kimi = createKimi({
      apiKey: "sk-wait",
      baseURL: emu.baseURL,
      env: {},
      retry: { baseDelayMs: 1, maxDelayMs: 100 },
      onRetry: (event) => retries.push(event),
    });
    emu.clearRequests();
    emu.inject({
      path: "/v1/chat/completions",
      kind: "error",
      status: 429,
      type: "rate_limit_reached_error",
      message: "request reached organization max RPM: 3, please try again after 2 seconds",
    });
    await assert.rejects(
      kimi.chat({ messages: [{ role: "user", content: "hi" }] }),
      (error: unknown) => {
        assert.ok(error instanceof RateLimitError);
        assert.equal(error.code, "rate_limited");
        assert.equal(error.status, 429);
        assert.equal(error.retryAfterMs, 2000);
        assert.equal(
          error.message,
          "Rate limit reached (HTTP 429 rate_limit_reached_error: request reached organization max RPM: 3, please try again after 2 seconds). Wait 2 s and retry, lower concurrency, or raise your tier. The service asked to wait 2 s, longer than the 100 ms the client waits at most (retry.maxDelayMs), so the request was not retried: send it again after that wait, or raise retry.maxDelayMs.",
        );
        return true;
      },
    );
    assert.deepEqual(retries, []);
    assert.equal(emu.requests.filter((r) => r.path === "/v1/chat/completions").length, 1);
  });

  it("a wait within maxDelayMs is honoured and retried", async () => {
    const retries: RetryEvent[] = [];
    const kimi = createKimi({
      apiKey: "sk-wait",
      baseURL: emu.baseURL,
      env: {},
      retry: { baseDelayMs: 1, maxDelayMs: 100 },
      onRetry: (event) => retries.push(event),
    });
    emu.clearRequests();
    emu.inject({
      path: "/v1/chat/completions",
      kind: "error",
      status: 429,
      type: "rate_limit_reached_error",
      message: "request reached organization max RPM: 3, please try again after 0.02 seconds",
    });
    const answer = await kimi.chat({ messages: [{ role: "user", content: "hi" }] });
    assert.ok(answer.content.length > 0);
    assert.deepEqual(
      retries.map((event) => [event.attempt, event.delayMs, event.error.code]),
      [[1, 20, "rate_limited"]],
    );
    assert.deepEqual(
      emu.requests.filter((r) => r.path === "/v1/chat/completions").map((r) => r.status),
      [429, 200],
    );
  });
});
