/**
 * `streamText` from the real `ai` package on `kimi-provider/ai-sdk`, against the emulator:
 * `textStream`, `fullStream` (reasoning parts, tool-call parts), the finish with usage and cost,
 * and a stream cut before `[DONE]` reported as an error, never as a short success.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { APICallError, streamText, tool } from "ai";
import { StreamTruncatedError } from "kimi-provider";
import { z } from "zod";
import { type AiSdkFixture, expectedCost, K26_PRICES, startFixture } from "./helpers.ts";

let fx: AiSdkFixture;
before(async () => {
  fx = await startFixture();
});
after(() => fx.close());

describe("streamText on kimi-provider/ai-sdk", () => {
  it("streams the same answer as the client through textStream", async () => {
    const kimi = fx.provider();
    const result = streamText({ model: kimi("kimi-k2.6"), prompt: "Stream a greeting" });
    const chunks: string[] = [];
    for await (const text of result.textStream) chunks.push(text);
    const direct = await kimi.client.chat({
      model: "kimi-k2.6",
      messages: [{ role: "user", content: "Stream a greeting" }],
    });
    assert.ok(chunks.length > 1, "the text arrives in several chunks");
    assert.equal(chunks.join(""), direct.content);
    assert.equal(await result.text, direct.content);
    const body = fx.chatRequests().at(-2)?.body as Record<string, unknown>;
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
  });

  it("carries reasoning as reasoning parts in fullStream, before the text, then the finish", async () => {
    const result = streamText({ model: fx.provider()("kimi-k2.6"), prompt: "Think, then answer" });
    const types: string[] = [];
    let reasoning = "";
    let text = "";
    for await (const part of result.fullStream) {
      if (types.at(-1) !== part.type) types.push(part.type);
      if (part.type === "reasoning-delta") reasoning += part.text;
      if (part.type === "text-delta") text += part.text;
    }
    assert.deepEqual(types, [
      "start",
      "start-step",
      "reasoning-start",
      "reasoning-delta",
      "reasoning-end",
      "text-start",
      "text-delta",
      "text-end",
      "finish-step",
      "finish",
    ]);
    assert.ok(reasoning.length > 0);
    assert.equal(await result.reasoningText, reasoning);
    assert.equal(await result.text, text);
    assert.equal(await result.finishReason, "stop");
  });

  it("reports usage and the exact cost at the finish", async () => {
    const result = streamText({ model: fx.provider()("kimi-k2.6"), prompt: "Cost of a stream" });
    await result.consumeStream();
    const usage = await result.usage;
    const meta = (await result.providerMetadata)?.kimi;
    assert.ok((usage.outputTokenDetails.reasoningTokens ?? 0) > 0);
    assert.equal(
      meta?.costUsd,
      expectedCost(K26_PRICES, {
        input: usage.inputTokens ?? -1,
        cached: usage.inputTokenDetails.cacheReadTokens ?? -1,
        output: usage.outputTokens ?? -1,
      }),
    );
    assert.equal(meta?.model, "kimi-k2.6");
  });

  it("streams tool calls as tool-input parts and a tool-call", async () => {
    const result = streamText({
      model: fx.provider()("kimi-k2.6"),
      prompt: "Call get_weather for Lima",
      tools: {
        get_weather: tool({
          description: "Weather of a city",
          inputSchema: z.object({ city: z.string() }),
        }),
      },
    });
    const parts: { type: string; id?: string; toolCallId?: string }[] = [];
    let input = "";
    for await (const part of result.fullStream) {
      parts.push(part);
      if (part.type === "tool-input-delta") input += part.delta;
    }
    const start = parts.find((p) => p.type === "tool-input-start");
    const call = parts.find((p) => p.type === "tool-call") as
      | { toolCallId: string; toolName: string; input: { city: string } }
      | undefined;
    assert.equal(start?.id, "get_weather_0");
    assert.equal(call?.toolCallId, "get_weather_0");
    assert.equal(call?.toolName, "get_weather");
    assert.deepEqual(JSON.parse(input), call?.input);
    assert.equal(await result.finishReason, "tool-calls");
  });

  it("reports a stream cut before [DONE] as an error carrying StreamTruncatedError", async () => {
    const errors: unknown[] = [];
    const result = streamText({
      model: fx.provider()("kimi-k2.6"),
      prompt: "This stream will be cut",
      headers: { "x-emulator-fault": "cut after=4" },
      onError: ({ error }) => {
        errors.push(error);
      },
    });
    const types: string[] = [];
    const finishReasons: string[] = [];
    for await (const part of result.fullStream) {
      types.push(part.type);
      if (part.type === "finish-step" || part.type === "finish")
        finishReasons.push(part.finishReason);
    }
    assert.ok(types.includes("error"), `an error part (got ${types.join(", ")})`);
    // The AI SDK closes the step itself after an error part, with finish reason "error".
    assert.deepEqual(finishReasons, ["error", "error"]);
    assert.equal(await result.finishReason, "error");
    assert.equal(errors.length, 1);
    const [error] = errors;
    assert.ok(APICallError.isInstance(error));
    assert.ok(error.cause instanceof StreamTruncatedError);
    assert.equal(error.cause.code, "stream_truncated");
    assert.equal(error.isRetryable, false);
    assert.equal(error.statusCode, undefined);
  });
});
