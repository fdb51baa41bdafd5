import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parseToolArguments } from "../../src/chat/tool-arguments.ts";
import { answerWebSearchCalls, webSearchTool } from "../../src/chat/web-search.ts";
import { createKimi, type Kimi } from "../../src/client.ts";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { ToolArgumentsError } from "../../src/errors/error-classes.ts";
import { estimatePromptTokens } from "../../src/tokens/local-estimator.ts";

let emu: RunningEmulator;
let kimi: Kimi;
/** The seed era: the 2025 lineup, with the seed's default model named explicitly. */
let emu2025: RunningEmulator;
let kimi2025: Kimi;
before(async () => {
  emu = await startEmulator({ seed: 7 });
  kimi = createKimi({ apiKey: "sk-chat-test", baseURL: emu.baseURL, env: {} });
  emu2025 = await startEmulator({ seed: 7, lineup: "2025-10" });
  kimi2025 = createKimi({
    apiKey: "sk-chat-test",
    baseURL: emu2025.baseURL,
    env: { KIMI_DEFAULT_MODEL: "kimi-k2-0905-preview" },
  });
});
after(async () => {
  await emu.close();
  await emu2025.close();
});

function lastBody(server: RunningEmulator = emu): Record<string, unknown> {
  const request = server.requests.at(-1);
  assert.ok(request, "the emulator received no request");
  return request.body as Record<string, unknown>;
}

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather of a city",
    parameters: {
      type: "object",
      properties: { city: { type: "string" } },
      required: ["city"],
    },
  },
};

describe("kimi.chat() against the emulator", () => {
  it("with no settings calls kimi-k2.6, which today's service answers", async () => {
    const result = await kimi.chat({ messages: [{ role: "user", content: "Say hello" }] });
    assert.equal(lastBody().model, "kimi-k2.6");
    assert.equal(result.model, "kimi-k2.6");
    assert.ok(result.content.length > 0);
    assert.equal(emu.requests.at(-1)?.status, 200);
  });

  it("sends the configured defaults and returns content, usage, cost (2025 K2 rules)", async () => {
    const kimi = kimi2025;
    kimi.usage.reset();
    const messages = [{ role: "user" as const, content: "Say hello" }];
    const result = await kimi.chat({ messages });
    const body = lastBody(emu2025);
    assert.equal(body.model, "kimi-k2-0905-preview");
    assert.equal(body.temperature, 0.5);
    assert.equal(body.max_tokens, 32768);
    assert.equal(body.stream, undefined);
    assert.deepEqual(body.messages, messages);
    assert.equal(result.model, "kimi-k2-0905-preview");
    assert.ok(result.content.length > 0);
    assert.equal(result.finishReason, "stop");
    assert.equal(result.reasoningContent, null);
    assert.ok(result.usage);
    assert.equal(result.usage.promptTokens, estimatePromptTokens(messages));
    assert.equal(
      result.usage.totalTokens,
      result.usage.promptTokens + result.usage.completionTokens,
    );
    const expected =
      Math.round(
        ((result.usage.promptTokens - result.usage.cachedTokens) * 0.6 +
          result.usage.cachedTokens * 0.15 +
          result.usage.completionTokens * 2.5) *
          1e6,
      ) / 1e12;
    assert.equal(result.cost.total, expected);
    assert.deepEqual(result.message, { role: "assistant", content: result.content });
    assert.match(result.requestId ?? "", /^[0-9a-f-]{36}$/);
    const snapshot = kimi.usage.snapshot();
    assert.equal(snapshot.requests, 1);
    assert.equal(snapshot.promptTokens, result.usage.promptTokens);
    assert.equal(snapshot.costUsd, expected);
    assert.equal(snapshot.byModel["kimi-k2-0905-preview"]?.requests, 1);
  });

  it("a repeated long prompt hits the cache: cached tokens billed at the hit price, hit rate tracked", async () => {
    kimi.usage.reset();
    const system = {
      role: "system" as const,
      content: "You are a careful assistant. ".repeat(120),
    };
    const first = await kimi.chat({
      thinking: false,
      messages: [system, { role: "user", content: "First question" }],
    });
    // A 2026 miss reports no cached keys; that is a miss (0 cached), not unknown.
    assert.equal(first.usage?.cachedTokens, 0);
    const second = await kimi.chat({
      thinking: false,
      messages: [system, { role: "user", content: "Second question" }],
    });
    assert.ok(second.usage);
    assert.ok(second.usage.cachedTokens > 0, "expected a cache hit");
    const { promptTokens, cachedTokens, completionTokens } = second.usage;
    // kimi-k2.6: 0.16 cache hit / 0.95 miss / 4.00 output per million tokens.
    assert.equal(second.cost.cachedInput, Math.round(cachedTokens * 0.16 * 1e6) / 1e12);
    assert.equal(
      second.cost.uncachedInput,
      Math.round((promptTokens - cachedTokens) * 0.95 * 1e6) / 1e12,
    );
    assert.equal(second.cost.output, Math.round(completionTokens * 4 * 1e6) / 1e12);
    const snapshot = kimi.usage.snapshot();
    assert.equal(snapshot.cachedTokens, cachedTokens);
    assert.equal(snapshot.cacheHitRate, cachedTokens / snapshot.promptTokens);
  });

  it("thinking model: reasoning kept apart; no default temperature sent (fixed sampling)", async () => {
    const result = await kimi.chat({
      model: "kimi-k2.6",
      messages: [{ role: "user", content: "Why is the sky blue?" }],
    });
    const body = lastBody();
    assert.equal(body.temperature, undefined);
    assert.equal(body.top_p, undefined);
    assert.equal(body.thinking, undefined);
    assert.ok(typeof result.reasoningContent === "string" && result.reasoningContent.length > 0);
    assert.ok(result.content.length > 0);
    assert.notEqual(result.content, result.reasoningContent);
    assert.equal(result.message.reasoning_content, result.reasoningContent);
    assert.ok((result.usage?.reasoningTokens ?? 0) > 0);
  });

  it("thinking: false on a toggle model is sent and allows the 0.6 temperature", async () => {
    const result = await kimi.chat({
      model: "kimi-k2.6",
      thinking: false,
      messages: [{ role: "user", content: "Hi" }],
    });
    assert.deepEqual(lastBody().thinking, { type: "disabled" });
    assert.equal(result.reasoningContent, null);
  });

  it("tool calls (2025): ids as sent (name:idx)", async () => {
    const result = await kimi2025.chat({
      messages: [{ role: "user", content: "Use get_weather for Paris" }],
      tools: [weatherTool],
    });
    assert.equal(result.finishReason, "tool_calls");
    assert.equal(result.toolCalls[0]?.id, "get_weather:0");
  });

  it("tool calls: ids as sent (name_index), arguments parsed and validated", async () => {
    const result = await kimi.chat({
      messages: [{ role: "user", content: "Use get_weather for Paris" }],
      tools: [weatherTool],
    });
    assert.equal(result.finishReason, "tool_calls");
    assert.equal(result.toolCalls.length, 1);
    const call = result.toolCalls[0];
    assert.ok(call);
    assert.equal(call.id, "get_weather_0");
    assert.equal(call.function.name, "get_weather");
    const args = parseToolArguments(call, weatherTool.function.parameters) as { city: unknown };
    assert.equal(typeof args.city, "string");
    assert.deepEqual(lastBody().tools, [weatherTool]);
    // Answer it and get a final reply quoting the result.
    const final = await kimi.chat({
      messages: [
        { role: "user", content: "Use get_weather for Paris" },
        result.message,
        {
          role: "tool",
          tool_call_id: call.id,
          name: call.function.name,
          content: '{"temp":"21C"}',
        },
      ],
      tools: [weatherTool],
    });
    assert.equal(final.finishReason, "stop");
    assert.match(final.content, /21C/);
  });

  it("parseToolArguments: malformed JSON and schema mismatch are ToolArgumentsError", () => {
    const bad = {
      id: "get_weather:0",
      type: "function",
      function: { name: "get_weather", arguments: '{"city":' },
    };
    assert.throws(
      () => parseToolArguments(bad),
      (error: unknown) => {
        assert.ok(error instanceof ToolArgumentsError);
        assert.equal(error.code, "invalid_tool_arguments");
        assert.equal(error.toolName, "get_weather");
        assert.equal(error.rawArguments, '{"city":');
        return true;
      },
    );
    const wrong = { ...bad, function: { name: "get_weather", arguments: '{"city":3}' } };
    assert.throws(
      () => parseToolArguments(wrong, weatherTool.function.parameters),
      ToolArgumentsError,
    );
    assert.deepEqual(parseToolArguments({ ...bad, function: { name: "x", arguments: "" } }), {});
  });

  it("partial mode: the prefix is re-joined in result.content", async () => {
    const result = await kimi.chat({
      messages: [
        { role: "user", content: "Continue the story" },
        { role: "assistant", content: "Once upon a time", partial: true },
      ],
    });
    assert.ok(result.content.startsWith("Once upon a time"));
    assert.ok(result.content.length > "Once upon a time".length);
    assert.deepEqual((lastBody().messages as unknown[])[1], {
      role: "assistant",
      content: "Once upon a time",
      partial: true,
    });
  });

  it("response_format json_object and json_schema, prompt_cache_key are sent", async () => {
    const object = await kimi.chat({
      messages: [{ role: "user", content: "Give me a JSON object describing a cat" }],
      responseFormat: { type: "json_object" },
      promptCacheKey: "session-42",
    });
    assert.deepEqual(lastBody().response_format, { type: "json_object" });
    assert.equal(lastBody().prompt_cache_key, "session-42");
    assert.equal(typeof JSON.parse(object.content), "object");
    const schema = {
      type: "object",
      properties: { name: { type: "string" }, age: { type: "integer" } },
      required: ["name", "age"],
    };
    const structured = await kimi.chat({
      messages: [{ role: "user", content: "A person" }],
      responseFormat: { type: "json_schema", json_schema: { name: "person", schema } },
    });
    const value = JSON.parse(structured.content) as { name: unknown; age: unknown };
    assert.equal(typeof value.name, "string");
    assert.ok(Number.isInteger(value.age));
  });

  it("$web_search round trip: echo helper, calls counted and billed", async () => {
    kimi.usage.reset();
    const messages = [
      { role: "user" as const, content: "Search the web for the latest Kimi model" },
    ];
    // $web_search needs thinking off on kimi-k2.6.
    const first = await kimi.chat({ messages, thinking: false, tools: [webSearchTool()] });
    assert.equal(first.finishReason, "tool_calls");
    assert.equal(first.webSearchCalls, 1);
    assert.equal(first.cost.webSearch, 0.005);
    const echoes = answerWebSearchCalls(first.toolCalls);
    const call = first.toolCalls[0];
    assert.ok(call);
    assert.deepEqual(echoes, [
      {
        role: "tool",
        tool_call_id: call.id,
        name: "$web_search",
        content: call.function.arguments,
      },
    ]);
    const second = await kimi.chat({
      messages: [...messages, first.message, ...echoes],
      thinking: false,
      tools: [webSearchTool()],
    });
    assert.equal(second.finishReason, "stop");
    assert.equal(second.webSearchCalls, 0);
    const searchTokens = (
      JSON.parse(call.function.arguments) as { usage: { total_tokens: number } }
    ).usage.total_tokens;
    assert.ok((second.usage?.promptTokens ?? 0) > searchTokens);
    assert.equal(kimi.usage.snapshot().webSearchCalls, 1);
  });
});

describe("kimi.stream() against the emulator", () => {
  it("streams text and finishes with usage read from the stream", async () => {
    kimi.usage.reset();
    const stream = kimi.stream(
      { thinking: false, messages: [{ role: "user", content: "Tell me a short fact" }] },
      { headers: { "x-emulator-reply-tokens": "12" } },
    );
    let text = "";
    let finish: { usage: { completionTokens: number } | null } | undefined;
    for await (const event of stream) {
      if (event.type === "text-delta") text += event.text;
      if (event.type === "finish") finish = event;
    }
    const result = await stream.result;
    assert.equal(result.content, text);
    assert.equal(result.usage?.completionTokens, 12);
    assert.equal(finish?.usage?.completionTokens, 12);
    assert.deepEqual(lastBody().stream_options, { include_usage: true });
    assert.equal(kimi.usage.snapshot().requests, 1);
  });

  it("thinking stream: every reasoning delta comes before the first text delta", async () => {
    const stream = kimi.stream({
      model: "kimi-k2.6",
      messages: [{ role: "user", content: "Think, then answer" }],
    });
    const kinds: string[] = [];
    for await (const event of stream) kinds.push(event.type);
    const firstText = kinds.indexOf("text-delta");
    assert.ok(kinds.indexOf("reasoning-delta") === 0 && firstText > 0);
    assert.equal(kinds.lastIndexOf("reasoning-delta") < firstText, true);
    const result = await stream.result;
    assert.ok((result.reasoningContent ?? "").length > 0);
  });

  it("emulator cut fault: StreamTruncatedError, not retried", async () => {
    const before = emu.requests.length;
    const stream = kimi.stream(
      { messages: [{ role: "user", content: "Hello there" }] },
      { headers: { "x-emulator-fault": "cut after=2", "x-emulator-reply-tokens": "8" } },
    );
    await assert.rejects(stream.result, { code: "stream_truncated" });
    assert.equal(emu.requests.length - before, 1);
  });
});
