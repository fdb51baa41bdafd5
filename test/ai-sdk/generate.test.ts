/**
 * `generateText` from the real `ai` package on `kimi-provider/ai-sdk`, against the emulator:
 * what the AI SDK gets back (text, reasoning, usage, finish reason, cost, warnings) and what the
 * service received.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { generateText, Output, tool } from "ai";
import { z } from "zod";
import { type AiSdkFixture, expectedCost, K26_PRICES, startFixture } from "./helpers.ts";

let fx: AiSdkFixture;
before(async () => {
  fx = await startFixture();
});
after(() => fx.close());

const weather = tool({
  description: "Current weather of a city",
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, celsius: 21 }),
});
const clock = tool({
  description: "Local time of a city",
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, time: "10:30" }),
});

describe("generateText on kimi-provider/ai-sdk", () => {
  it("answers with the text and reasoning the client gets for the same request", async () => {
    const kimi = fx.provider();
    const result = await generateText({ model: kimi("kimi-k2.6"), prompt: "Explain caching" });
    const direct = await kimi.client.chat({
      model: "kimi-k2.6",
      messages: [{ role: "user", content: "Explain caching" }],
    });
    assert.equal(result.text, direct.content);
    assert.ok(result.text.length > 0);
    assert.equal(result.reasoningText, direct.reasoningContent);
    assert.equal(result.finishReason, "stop");
    assert.equal(result.response.modelId, "kimi-k2.6");
    assert.equal(
      result.response.id,
      result.response.id.match(
        /^chatcmpl-(?:[0-9a-f]{24}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})$/,
      )?.[0],
    );
    assert.deepEqual(result.warnings, []);
    const body = fx.chatRequests().at(-2)?.body as Record<string, unknown>;
    assert.deepEqual(body.messages, [{ role: "user", content: "Explain caching" }]);
    assert.equal(body.model, "kimi-k2.6");
    // Fixed sampling: nothing sampling-related is sent; thinking is the model's default (on).
    assert.equal("temperature" in body, false);
    assert.equal("thinking" in body, false);
    assert.equal(body.max_tokens, 32_768);
  });

  it("reports usage with reasoning tokens and the exact cost, cache hits at the cache-hit price", async () => {
    const kimi = fx.provider();
    const prompt = "Cost check: what is a prompt cache?";
    const first = await generateText({ model: kimi("kimi-k2.6"), prompt });
    const { usage } = first;
    assert.equal(usage.inputTokenDetails.cacheReadTokens, 0);
    assert.ok(
      (usage.outputTokenDetails.reasoningTokens ?? 0) > 0,
      "thinking model: reasoning tokens",
    );
    assert.equal(
      usage.outputTokenDetails.textTokens,
      (usage.outputTokens ?? 0) - (usage.outputTokenDetails.reasoningTokens ?? 0),
    );
    const meta = first.providerMetadata?.kimi;
    assert.ok(meta);
    assert.equal(
      meta.costUsd,
      expectedCost(K26_PRICES, {
        input: usage.inputTokens ?? -1,
        cached: 0,
        output: usage.outputTokens ?? -1,
      }),
    );
    assert.equal(meta.cachedTokens, 0);
    assert.equal(meta.model, "kimi-k2.6");
    assert.equal(meta.webSearchCalls, 0);
    assert.match(String(meta.requestId), /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-/);

    // The same request again: the emulator's automatic cache serves the whole prompt.
    const second = await generateText({ model: kimi("kimi-k2.6"), prompt });
    const cached = second.usage.inputTokenDetails.cacheReadTokens ?? 0;
    assert.ok(cached > 0, "the repeat is served from the cache");
    assert.equal(
      second.usage.inputTokenDetails.noCacheTokens,
      (second.usage.inputTokens ?? 0) - cached,
    );
    assert.equal(second.providerMetadata?.kimi?.cachedTokens, cached);
    assert.equal(
      second.providerMetadata?.kimi?.costUsd,
      expectedCost(K26_PRICES, {
        input: second.usage.inputTokens ?? -1,
        cached,
        output: second.usage.outputTokens ?? -1,
      }),
    );
    assert.ok(Number(second.providerMetadata?.kimi?.costUsd) < Number(meta.costUsd));
  });

  it("turns thinking off with providerOptions.kimi.thinking = false", async () => {
    const result = await generateText({
      model: fx.provider()("kimi-k2.6"),
      prompt: "Plain answer please",
      providerOptions: { kimi: { thinking: false } },
    });
    assert.equal(result.reasoningText, undefined);
    assert.equal(result.usage.outputTokenDetails.reasoningTokens, undefined);
    assert.deepEqual(fx.lastChatBody().thinking, { type: "disabled" });
  });

  it("drops what a fixed-sampling model refuses, with the specification's warnings", async () => {
    const result = await generateText({
      model: fx.provider()("kimi-k2.6"),
      prompt: "Sampling",
      temperature: 0.3,
      topP: 0.5,
      topK: 4,
      seed: 7,
      maxOutputTokens: 900,
      stopSequences: ["END"],
    });
    const warnings = result.warnings ?? [];
    assert.deepEqual(
      warnings.map((w) => (w.type === "unsupported" ? w.feature : w.type)),
      ["temperature", "topP", "topK", "seed"],
    );
    assert.deepEqual(warnings[0], {
      type: "unsupported",
      feature: "temperature",
      details: "kimi-k2.6 uses fixed sampling (temperature 1); 0.3 was not sent.",
    });
    const body = fx.lastChatBody();
    for (const key of ["temperature", "top_p", "top_k", "seed"])
      assert.equal(key in body, false, key);
    assert.equal(body.max_tokens, 900);
    assert.deepEqual(body.stop, ["END"]);
  });

  it("produces a typed object with Output.object and a zod schema (json_schema, MFJS)", async () => {
    const schema = z.object({
      city: z.string(),
      population: z.number().int(),
      tags: z.array(z.string()),
    });
    const result = await generateText({
      model: fx.provider()("kimi-k2.6"),
      prompt: "Describe a city as JSON",
      output: Output.object({ schema, name: "city_card" }),
    });
    assert.deepEqual(schema.parse(result.output), result.output);
    const format = fx.lastChatBody().response_format as {
      type: string;
      json_schema: { name: string; strict: boolean; schema: Record<string, unknown> };
    };
    assert.equal(format.type, "json_schema");
    assert.equal(format.json_schema.name, "city_card");
    assert.equal(format.json_schema.strict, true);
    assert.deepEqual(format.json_schema.schema.required, ["city", "population", "tags"]);
    assert.equal("$schema" in format.json_schema.schema, false);
  });

  it("sends reasoning_effort to kimi-k3, and warns instead on a model without it", async () => {
    const kimi = fx.provider();
    await generateText({
      model: kimi("kimi-k3"),
      prompt: "Effort",
      providerOptions: { kimi: { reasoningEffort: "low" } },
    });
    assert.equal(fx.lastChatBody().reasoning_effort, "low");
    await generateText({ model: kimi("kimi-k3"), prompt: "Effort", reasoning: "medium" });
    assert.equal(fx.lastChatBody().reasoning_effort, "high");
    const k26 = await generateText({
      model: kimi("kimi-k2.6"),
      prompt: "Effort",
      providerOptions: { kimi: { reasoningEffort: "max" } },
    });
    assert.equal("reasoning_effort" in fx.lastChatBody(), false);
    assert.deepEqual(k26.warnings, [
      {
        type: "unsupported",
        feature: "reasoningEffort",
        details: "kimi-k2.6 takes no reasoning_effort; it was not sent.",
      },
    ]);
  });

  it("maps toolChoice required (kimi-k3) and a named tool (thinking off), and parallel calls", async () => {
    const kimi = fx.provider();
    const required = await generateText({
      model: kimi("kimi-k3"),
      prompt: "Anything at all",
      tools: { get_weather: weather },
      toolChoice: "required",
    });
    assert.equal(fx.lastChatBody().tool_choice, "required");
    assert.deepEqual(
      required.toolCalls.map((call) => call.toolName),
      ["get_weather"],
    );
    assert.equal(required.finishReason, "tool-calls");

    await generateText({
      model: kimi("kimi-k2.6"),
      prompt: "Anything at all",
      tools: { get_weather: weather, get_time: clock },
      toolChoice: { type: "tool", toolName: "get_time" },
      providerOptions: { kimi: { thinking: false } },
    });
    assert.deepEqual(fx.lastChatBody().tool_choice, {
      type: "function",
      function: { name: "get_time" },
    });

    const parallel = await generateText({
      model: kimi("kimi-k2.6"),
      prompt: "Use get_weather and get_time for Oslo",
      tools: { get_weather: weather, get_time: clock },
    });
    assert.deepEqual(
      parallel.toolCalls.map((call) => [call.toolName, call.toolCallId]),
      [
        ["get_weather", "get_weather_0"],
        ["get_time", "get_time_1"],
      ],
    );
    assert.deepEqual(
      parallel.toolResults.map((r) => r.output),
      [
        {
          city: (parallel.toolCalls[0]?.input as { city?: string } | undefined)?.city,
          celsius: 21,
        },
        {
          city: (parallel.toolCalls[1]?.input as { city?: string } | undefined)?.city,
          time: "10:30",
        },
      ],
    );
    const tools = fx.lastChatBody().tools as { function: { name: string; parameters: unknown } }[];
    assert.deepEqual(tools[0]?.function.parameters, {
      type: "object",
      properties: { city: { type: "string" } },
      required: ["city"],
      additionalProperties: false,
    });
  });

  it("sends prompt_cache_key and continues an assistant prefix in partial mode", async () => {
    const kimi = fx.provider();
    const result = await generateText({
      model: kimi("kimi-k2.6"),
      messages: [
        { role: "user", content: "Write an opening line" },
        { role: "assistant", content: "Once upon a time" },
      ],
      providerOptions: { kimi: { partial: true, promptCacheKey: "session-42", thinking: false } },
    });
    const body = fx.lastChatBody();
    assert.equal(body.prompt_cache_key, "session-42");
    assert.deepEqual((body.messages as unknown[]).at(-1), {
      role: "assistant",
      content: "Once upon a time",
      partial: true,
    });
    const direct = await kimi.client.chat({
      model: "kimi-k2.6",
      thinking: false,
      messages: [
        { role: "user", content: "Write an opening line" },
        { role: "assistant", content: "Once upon a time", partial: true },
      ],
    });
    // The AI SDK gets the continuation only; the client re-joins the prefix.
    assert.equal(`Once upon a time${result.text}`, direct.content);
    assert.equal(result.text.startsWith("Once upon a time"), false);
  });

  it("runs the $web_search round trip inside one call and bills the search", async () => {
    const kimi = fx.provider();
    const result = await generateText({
      model: kimi("kimi-k2.6"),
      prompt: "What happened in Oslo today?",
      providerOptions: { kimi: { webSearch: true } },
    });
    const [searchRequest, answerRequest] = fx.chatRequests().slice(-2);
    const first = searchRequest?.body as Record<string, unknown>;
    assert.deepEqual(first.thinking, { type: "disabled" });
    assert.deepEqual(first.tools, [
      { type: "builtin_function", function: { name: "$web_search" } },
    ]);
    const echoed = (
      answerRequest?.body as { messages?: Record<string, unknown>[] } | undefined
    )?.messages?.at(-1);
    assert.equal(echoed?.role, "tool");
    assert.equal(echoed?.name, "$web_search");
    assert.match(result.text, /^I searched the web for "What happened in Oslo today\?"/);
    assert.equal(result.toolCalls.length, 0);
    assert.equal(result.finishReason, "stop");
    const meta = result.providerMetadata?.kimi;
    assert.equal(meta?.webSearchCalls, 1);
    assert.deepEqual(result.warnings, [
      {
        type: "compatibility",
        feature: "webSearch",
        details: "thinking was turned off on kimi-k2.6: $web_search needs it off.",
      },
    ]);
    // Usage and cost cover both requests (the client's ledger saw two); the search adds its fee.
    const ledger = kimi.client.usage.snapshot();
    assert.equal(ledger.requests, 2);
    assert.equal(result.usage.inputTokens, ledger.promptTokens);
    assert.equal(result.usage.outputTokens, ledger.completionTokens);
    assert.equal(meta?.costUsd, ledger.costUsd);
    const tokens = expectedCost(K26_PRICES, {
      input: ledger.promptTokens,
      cached: ledger.cachedTokens,
      output: ledger.completionTokens,
    });
    // Per-request rounding to 1e-12 USD is the only difference from pricing the sum.
    assert.ok(Math.abs(Number(meta?.costUsd) - (tokens + 0.005)) < 1e-11);
  });
});
