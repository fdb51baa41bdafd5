/**
 * Failures through the AI SDK: `APICallError` with status, body and `isRetryable`, carrying the
 * library's typed error as `cause`; retries made once (by the client, waiting what the 429's
 * message asks), never multiplied by the AI SDK's own; the API key in no error.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { inspect } from "node:util";
import { APICallError, generateText, tool } from "ai";
import {
  AuthenticationError,
  InvalidRequestError,
  RateLimitError,
  type RetryEvent,
} from "kimi-provider";
import { z } from "zod";
import { type AiSdkFixture, startFixture, TEST_API_KEY } from "./helpers.ts";

let fx: AiSdkFixture;
before(async () => {
  fx = await startFixture();
});
after(() => fx.close());

const RATE_LIMIT_MESSAGE =
  "Your account org-emulator<ak-emulator> request reached organization max RPM: 3, please try again after 0.2 seconds";

function rateLimit(times: number): void {
  fx.emu.inject({
    kind: "error",
    status: 429,
    type: "rate_limit_reached_error",
    message: RATE_LIMIT_MESSAGE,
    path: "/v1/chat/completions",
    times,
  });
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail("the call succeeded"),
    (error: unknown) => error,
  );
}

describe("errors and retries on kimi-provider/ai-sdk", () => {
  it("retries a 429 once, after the wait its message asks for", async () => {
    fx.emu.clearRequests();
    rateLimit(1);
    const retries: RetryEvent[] = [];
    const result = await generateText({
      model: fx.provider({ maxRetries: 2, onRetry: (event) => retries.push(event) })("kimi-k2.6"),
      prompt: "Rate limited once",
    });
    assert.ok(result.text.length > 0);
    assert.deepEqual(
      fx.chatRequests().map((r) => r.status),
      [429, 200],
    );
    assert.equal(retries.length, 1);
    assert.equal(retries[0]?.delayMs, 200);
    assert.ok(retries[0]?.error instanceof RateLimitError);
    assert.equal(retries[0]?.error.retryAfterMs, 200);
  });

  it("does not let the AI SDK multiply the client's retries; reports APICallError with the typed cause", async () => {
    fx.emu.clearRequests();
    fx.emu.clearFaults();
    rateLimit(5);
    const error = await failureOf(
      // The AI SDK's maxRetries is 2 by default: 3 x 3 attempts if both layers retried.
      generateText({
        model: fx.provider({ maxRetries: 2 })("kimi-k2.6"),
        prompt: "Always limited",
      }),
    );
    fx.emu.clearFaults();
    assert.equal(fx.chatRequests().length, 3, "the client's 1 + 2 retries, nothing more");
    assert.ok(APICallError.isInstance(error));
    assert.equal(error.statusCode, 429);
    assert.equal(error.isRetryable, false, "the client's retries are spent");
    assert.ok(error.cause instanceof RateLimitError);
    assert.equal(error.cause.code, "rate_limited");
    assert.equal(error.message, error.cause.message);
    assert.deepEqual(JSON.parse(String(error.responseBody)), {
      error: { message: RATE_LIMIT_MESSAGE, type: "rate_limit_reached_error" },
    });
    assert.equal(error.url, `${fx.emu.baseURL}/chat/completions`);
    assert.equal(error.responseHeaders?.["retry-after-ms"], "200");
  });

  it("hands retries to the AI SDK when the provider's maxRetries is 0 (it waits retry-after-ms)", async () => {
    fx.emu.clearRequests();
    rateLimit(1);
    const result = await generateText({
      model: fx.provider({ maxRetries: 0 })("kimi-k2.6"),
      prompt: "The AI SDK retries this one",
      maxRetries: 1,
    });
    assert.ok(result.text.length > 0);
    assert.deepEqual(
      fx.chatRequests().map((r) => r.status),
      [429, 200],
    );
    rateLimit(1);
    const error = await failureOf(
      generateText({
        model: fx.provider({ maxRetries: 0 })("kimi-k2.6"),
        prompt: "No retries",
        maxRetries: 0,
      }),
    );
    assert.ok(APICallError.isInstance(error));
    assert.equal(error.isRetryable, true);
    assert.equal(error.responseHeaders?.["retry-after-ms"], "200");
  });

  it("reports a request the policy refuses before sending, with nothing sent", async () => {
    fx.emu.clearRequests();
    const error = await failureOf(
      generateText({
        model: fx.provider()("kimi-k2.6"),
        prompt: "Use a tool",
        tools: { get_weather: tool({ inputSchema: z.object({ city: z.string() }) }) },
        toolChoice: "required",
      }),
    );
    assert.ok(APICallError.isInstance(error));
    assert.ok(error.cause instanceof InvalidRequestError);
    assert.equal(error.cause.code, "invalid_request");
    assert.equal(error.statusCode, undefined);
    assert.equal(error.isRetryable, false);
    assert.match(error.message, /kimi-k2\.6 does not support tool_choice "required"/);
    assert.equal(fx.chatRequests().length, 0);
  });
});

describe("the API key in errors", () => {
  let guarded: AiSdkFixture;
  before(async () => {
    guarded = await startFixture({ apiKey: "sk-the-only-right-key" });
  });
  after(() => guarded.close());

  it("never appears in an APICallError, its cause, or its dump", async () => {
    const error = await failureOf(
      generateText({ model: guarded.provider()("kimi-k2.6"), prompt: "Who am I?" }),
    );
    assert.ok(APICallError.isInstance(error));
    assert.equal(error.statusCode, 401);
    assert.ok(error.cause instanceof AuthenticationError);
    assert.equal(error.cause.code, "authentication_failed");
    const dumps = [
      error.message,
      String(error.responseBody),
      JSON.stringify(error),
      JSON.stringify(error.cause),
      inspect(error, { depth: 10 }),
    ];
    for (const dump of dumps) assert.equal(dump.includes(TEST_API_KEY), false, dump);
  });
});
