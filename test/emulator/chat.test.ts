import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { estimatePromptTokens, estimateTextTokens } from "../../src/tokens/local-estimator.ts";
import { chat, sseChunks, sseData, user, type Wire, withEmulator } from "./helpers.ts";

const WEATHER_TOOL = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Weather of a city",
    parameters: {
      type: "object",
      properties: {
        city: { type: "string" },
        unit: { type: "string", enum: ["celsius", "fahrenheit"] },
        days: { type: "integer", minimum: 1, maximum: 7 },
        options: {
          type: "object",
          properties: {
            hourly: { type: "boolean" },
            fields: { type: "array", items: { type: "string" } },
          },
          required: ["hourly", "fields"],
        },
        note: { type: "string" },
      },
      required: ["city", "unit", "days", "options"],
    },
  },
};
const TIME_TOOL = {
  type: "function",
  function: {
    name: "get_time",
    parameters: { type: "object", properties: { zone: { type: "string" } }, required: ["zone"] },
  },
};

/** kimi-k2.6 with thinking off: the 2026 model that answers without reasoning. */
const K26_PLAIN = { model: "kimi-k2.6", thinking: { type: "disabled" } } as const;

describe("chat completions", () => {
  let emu: RunningEmulator;
  let emu2025: RunningEmulator;
  before(async () => {
    emu = await withEmulator({ seed: 7 });
    emu2025 = await withEmulator({ seed: 7, lineup: "2025-10" });
  });
  after(async () => {
    await emu.close();
    await emu2025.close();
  });

  it("answers JSON with the 2026 shape, ids and headers", async () => {
    const messages = [user("How do I sort a list in Python?")];
    const res = await chat(emu, { ...K26_PLAIN, messages });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
    assert.match(
      res.headers.get("msh-request-id") ?? "",
      /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.match(res.headers.get("x-msh-trace-id") ?? "", /^[0-9a-f]{32}$/);
    assert.equal(res.headers.get("msh-trace-mode"), "on");
    assert.equal(res.headers.get("msh-context-cache-token-saved"), null);
    const body = res.json;
    assert.deepEqual(Object.keys(body), ["id", "object", "created", "model", "choices", "usage"]);
    assert.match(
      body.id,
      /^chatcmpl-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    assert.equal(body.object, "chat.completion");
    assert.equal(body.model, "kimi-k2.6");
    assert.equal(body.choices.length, 1);
    const choice = body.choices[0];
    assert.equal(choice.index, 0);
    assert.equal(choice.finish_reason, "stop");
    assert.deepEqual(Object.keys(choice.message), ["role", "content"]);
    assert.match(choice.message.content, /sort a list in Python/);
    // A miss on a 2026 model: no cached keys at all.
    assert.deepEqual(body.usage, {
      prompt_tokens: estimatePromptTokens(messages),
      completion_tokens: estimateTextTokens(choice.message.content),
      total_tokens: estimatePromptTokens(messages) + estimateTextTokens(choice.message.content),
    });
  });

  it("answers JSON with the 2025 shape on the 2025 lineup", async () => {
    const messages = [user("How do I sort a list in Python?")];
    const res = await chat(emu2025, { model: "kimi-k2-0905-preview", messages });
    assert.equal(res.status, 200);
    assert.match(
      res.headers.get("msh-request-id") ?? "",
      /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.match(res.headers.get("x-msh-trace-id") ?? "", /^[0-9a-f]{32}$/);
    const body = res.json;
    assert.match(body.id, /^chatcmpl-[0-9a-f]{24}$/);
    assert.equal(Number.parseInt(body.id.slice(9, 17), 16), body.created);
    assert.equal(body.object, "chat.completion");
    assert.equal(body.model, "kimi-k2-0905-preview");
    assert.match(body.system_fingerprint, /^fpv0_[0-9a-f]{8}$/);
    assert.equal(body.choices.length, 1);
    const choice = body.choices[0];
    assert.equal(choice.index, 0);
    assert.equal(choice.finish_reason, "stop");
    assert.equal(choice.message.role, "assistant");
    assert.match(choice.message.content, /sort a list in Python/);
    assert.equal("reasoning_content" in choice.message, false);
    assert.equal(body.usage.prompt_tokens, estimatePromptTokens(messages));
    assert.equal(body.usage.completion_tokens, estimateTextTokens(choice.message.content));
    assert.equal(body.usage.total_tokens, body.usage.prompt_tokens + body.usage.completion_tokens);
    assert.equal(body.usage.cached_tokens, 0);
  });

  it("is deterministic for a seed", async () => {
    const body = { ...K26_PLAIN, messages: [user("Explain recursion briefly")] };
    const a = await chat(emu, body);
    const b = await chat(emu, body);
    assert.equal(a.json.choices[0].message.content, b.json.choices[0].message.content);
  });

  it("streams with role only first, usage in choices[0] of the finish chunk, then [DONE] (2025)", async () => {
    const res = await chat(emu2025, {
      model: "kimi-k2-0905-preview",
      stream: true,
      messages: [user("Hello there")],
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
    const chunks = sseChunks(res.text);
    assert.deepEqual(chunks[0].choices[0].delta, { role: "assistant", content: "" });
    for (const chunk of chunks.slice(1))
      assert.equal("role" in (chunk.choices[0]?.delta ?? {}), false);
    const ids = new Set(chunks.map((chunk: Wire) => chunk.id));
    assert.equal(ids.size, 1);
    for (const chunk of chunks) assert.match(chunk.system_fingerprint, /^fpv0_[0-9a-f]{8}$/);
    const finish = chunks[chunks.length - 1];
    assert.deepEqual(finish.choices[0].delta, {});
    assert.equal(finish.choices[0].finish_reason, "stop");
    assert.equal("usage" in finish, false);
    const text = chunks.map((chunk: Wire) => chunk.choices[0].delta.content ?? "").join("");
    assert.equal(finish.choices[0].usage.completion_tokens, estimateTextTokens(text));
    for (const chunk of chunks.slice(0, -1)) assert.equal(chunk.choices[0].finish_reason, null);
  });

  it("adds the choices:[] usage chunk with include_usage", async () => {
    for (const [server, body] of [
      [emu2025, { model: "kimi-k2-0905-preview" }],
      [emu, K26_PLAIN],
      [emu, { model: "kimi-k3" }],
    ] as const) {
      const res = await chat(server, {
        ...body,
        stream: true,
        stream_options: { include_usage: true },
        messages: [user("Hello there")],
      });
      const chunks = sseChunks(res.text);
      const last = chunks[chunks.length - 1];
      assert.deepEqual(last.choices, []);
      const finish = chunks[chunks.length - 2];
      assert.equal(finish.choices[0].finish_reason, "stop");
      assert.deepEqual(last.usage, finish.choices[0].usage);
      // 2026 models send no system_fingerprint; 2025 models send it on every chunk.
      const modern = body.model !== "kimi-k2-0905-preview";
      for (const chunk of chunks) assert.equal("system_fingerprint" in chunk, !modern, body.model);
    }
  });

  it("streams the 2026 shape: role with empty content, reasoning, an empty reasoning delta, content", async () => {
    const res = await chat(emu, {
      model: "kimi-k2.6",
      stream: true,
      messages: [user("What is 2+2?")],
    });
    const chunks = sseChunks(res.text);
    assert.match(
      chunks[0].id,
      /^chatcmpl-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    assert.deepEqual(chunks[0].choices[0].delta, { role: "assistant", content: "" });
    const kinds = chunks.slice(1, -1).map((chunk: Wire) => {
      const delta = chunk.choices[0].delta;
      assert.equal(Object.keys(delta).length, 1, JSON.stringify(delta));
      if ("reasoning_content" in delta) return delta.reasoning_content === "" ? "e" : "r";
      return "content" in delta ? "c" : "?";
    });
    // Reasoning, then exactly one empty reasoning delta, then content (recorded order).
    assert.match(kinds.join(""), /^r+ec+$/);
    const usage = chunks[chunks.length - 1].choices[0].usage;
    const reasoning = chunks
      .map((chunk: Wire) => chunk.choices[0].delta.reasoning_content ?? "")
      .join("");
    const content = chunks.map((chunk: Wire) => chunk.choices[0].delta.content ?? "").join("");
    assert.equal(
      usage.completion_tokens,
      estimateTextTokens(reasoning) + estimateTextTokens(content),
    );
    assert.deepEqual(Object.keys(usage), [
      "prompt_tokens",
      "completion_tokens",
      "total_tokens",
      "completion_tokens_details",
    ]);
    assert.equal(usage.completion_tokens_details.reasoning_tokens, estimateTextTokens(reasoning));

    const off = await chat(emu, { ...K26_PLAIN, stream: true, messages: [user("What is 2+2?")] });
    const offChunks = sseChunks(off.text);
    assert.deepEqual(offChunks[0].choices[0].delta, { role: "assistant", content: "" });
    for (const chunk of offChunks)
      assert.equal("reasoning_content" in (chunk.choices[0]?.delta ?? {}), false);
    const plain = await chat(emu, { ...K26_PLAIN, messages: [user("What is 2+2?")] });
    assert.equal(plain.status, 200);
    assert.equal("reasoning_content" in plain.json.choices[0].message, false);
    const always = await chat(emu, { model: "kimi-k3", messages: [user("Why?")] });
    assert.ok(always.json.choices[0].message.reasoning_content.length > 0);
  });

  it("streams the 2025 thinking shape: the role on the first reasoning delta, reasoning before content", async () => {
    const res = await chat(emu2025, {
      model: "kimi-thinking-preview",
      stream: true,
      messages: [user("What is 2+2?")],
    });
    const chunks = sseChunks(res.text);
    const kinds = chunks
      .slice(0, -1)
      .map((chunk: Wire) =>
        "reasoning_content" in chunk.choices[0].delta
          ? "r"
          : "content" in chunk.choices[0].delta
            ? "c"
            : "?",
      );
    const firstContent = kinds.indexOf("c");
    assert.ok(kinds.indexOf("r") === 0 && firstContent > 0);
    assert.equal(kinds.slice(firstContent).includes("r"), false);
    assert.equal(chunks[0].choices[0].delta.role, "assistant");
    assert.ok(chunks[0].choices[0].delta.reasoning_content.length > 0);
    const usage = chunks[chunks.length - 1].choices[0].usage;
    const reasoning = chunks
      .map((chunk: Wire) => chunk.choices[0].delta.reasoning_content ?? "")
      .join("");
    const content = chunks.map((chunk: Wire) => chunk.choices[0].delta.content ?? "").join("");
    assert.equal(
      usage.completion_tokens,
      estimateTextTokens(reasoning) + estimateTextTokens(content),
    );
  });

  it("continues a partial assistant message without echoing the prefix", async () => {
    const prefix = "Once upon a time";
    const res = await chat(emu, {
      ...K26_PLAIN,
      messages: [user("Tell me a story"), { role: "assistant", content: prefix, partial: true }],
    });
    assert.equal(res.status, 200);
    const content: string = res.json.choices[0].message.content;
    assert.ok(content.length > 0);
    assert.equal(content.startsWith(prefix), false);
    assert.equal(content.includes(prefix), false);
  });

  it("stops with length when max_tokens runs out; completion_tokens equals the cap", async () => {
    const res = await chat(emu, {
      ...K26_PLAIN,
      max_tokens: 5,
      messages: [user("Explain TCP in detail")],
    });
    assert.equal(res.json.choices[0].finish_reason, "length");
    assert.equal(res.json.usage.completion_tokens, 5);
    const both = await chat(emu, {
      ...K26_PLAIN,
      max_tokens: 500,
      max_completion_tokens: 3,
      stream: true,
      messages: [user("Explain TCP in detail")],
    });
    const chunks = sseChunks(both.text);
    const finish = chunks[chunks.length - 1].choices[0];
    assert.equal(finish.finish_reason, "length");
    assert.equal(finish.usage.completion_tokens, 3);
  });

  it("makes exactly N content chunks with x-emulator-reply-tokens", async () => {
    const res = await chat(
      emu,
      { ...K26_PLAIN, stream: true, messages: [user("long please")] },
      { "x-emulator-reply-tokens": "250" },
    );
    const chunks = sseChunks(res.text);
    const content = chunks.filter((chunk: Wire) => chunk.choices[0]?.delta?.content);
    assert.equal(content.length, 250);
    assert.equal(chunks[chunks.length - 1].choices[0].usage.completion_tokens, 250);
  });

  it("calls the named tool with schema-shaped arguments, streamed in fragments", async () => {
    const res = await chat(emu, {
      model: "kimi-k3",
      stream: true,
      tools: [WEATHER_TOOL, TIME_TOOL],
      messages: [user("Use get_weather for the weather in Paris")],
    });
    const chunks = sseChunks(res.text);
    // The empty reasoning delta comes right before the first tool-call delta (recorded).
    const firstTool = chunks.findIndex((chunk: Wire) => chunk.choices[0].delta.tool_calls);
    assert.deepEqual(chunks[firstTool - 1].choices[0].delta, { reasoning_content: "" });
    const toolDeltas = chunks.flatMap((chunk: Wire) => chunk.choices[0].delta.tool_calls ?? []);
    assert.deepEqual(toolDeltas[0], {
      index: 0,
      id: "get_weather_0",
      type: "function",
      function: { name: "get_weather", arguments: "" },
    });
    assert.ok(toolDeltas.length > 2);
    for (const later of toolDeltas.slice(1)) {
      assert.deepEqual(Object.keys(later).sort(), ["function", "index"]);
      assert.deepEqual(Object.keys(later.function), ["arguments"]);
    }
    const args = JSON.parse(toolDeltas.map((delta: Wire) => delta.function.arguments).join(""));
    assert.equal(args.city, "Paris");
    assert.ok(["celsius", "fahrenheit"].includes(args.unit));
    assert.ok(Number.isInteger(args.days) && args.days >= 1 && args.days <= 7);
    assert.equal(typeof args.options.hourly, "boolean");
    assert.ok(Array.isArray(args.options.fields) && typeof args.options.fields[0] === "string");
    assert.equal("note" in args, false);
    assert.equal(chunks[chunks.length - 1].choices[0].finish_reason, "tool_calls");
  });

  it("makes parallel tool calls and then answers quoting the tool results", async () => {
    const question = user("Call get_time and get_weather for London");
    const first = await chat(emu, {
      ...K26_PLAIN,
      tools: [WEATHER_TOOL, TIME_TOOL],
      messages: [question],
    });
    const message = first.json.choices[0].message;
    assert.equal(first.json.choices[0].finish_reason, "tool_calls");
    // 2026 non-stream tool calls carry their index first (recorded).
    assert.deepEqual(
      message.tool_calls.map((call: Wire) => [Object.keys(call), call.index, call.id]),
      [
        [["index", "id", "type", "function"], 0, "get_time_0"],
        [["index", "id", "type", "function"], 1, "get_weather_1"],
      ],
    );
    const second = await chat(emu, {
      ...K26_PLAIN,
      tools: [WEATHER_TOOL, TIME_TOOL],
      messages: [
        question,
        message,
        { role: "tool", tool_call_id: "get_time_0", name: "get_time", content: "12:34 GMT" },
        {
          role: "tool",
          tool_call_id: "get_weather_1",
          name: "get_weather",
          content: '{"temp":"17C","sky":"rain"}',
        },
      ],
    });
    assert.equal(second.status, 200);
    assert.equal(second.json.choices[0].finish_reason, "stop");
    const answer: string = second.json.choices[0].message.content;
    assert.match(answer, /12:34 GMT/);
    assert.match(answer, /"temp":"17C"/);
    // A later turn's calls count from 0 again, so ids repeat across turns.
    const third = await chat(emu, {
      ...K26_PLAIN,
      tools: [WEATHER_TOOL, TIME_TOOL],
      messages: [
        question,
        message,
        { role: "tool", tool_call_id: "get_time_0", name: "get_time", content: "12:34 GMT" },
        { role: "tool", tool_call_id: "get_weather_1", name: "get_weather", content: "{}" },
        { role: "assistant", content: answer },
        user("Now call get_time again"),
      ],
    });
    assert.deepEqual(
      third.json.choices[0].message.tool_calls.map((call: Wire) => call.id),
      ["get_time_0"],
    );
  });

  it("numbers 2025 tool-call ids name:idx across the whole conversation", async () => {
    const question = user("Call get_time and get_weather for London");
    const first = await chat(emu2025, {
      model: "kimi-k2-0905-preview",
      tools: [WEATHER_TOOL, TIME_TOOL],
      messages: [question],
    });
    const message = first.json.choices[0].message;
    assert.deepEqual(
      message.tool_calls.map((call: Wire) => [Object.keys(call), call.id]),
      [
        [["id", "type", "function"], "get_time:0"],
        [["id", "type", "function"], "get_weather:1"],
      ],
    );
    const later = await chat(emu2025, {
      model: "kimi-k2-0905-preview",
      tools: [WEATHER_TOOL, TIME_TOOL],
      messages: [
        question,
        message,
        { role: "tool", tool_call_id: "get_time:0", name: "get_time", content: "12:34 GMT" },
        { role: "tool", tool_call_id: "get_weather:1", name: "get_weather", content: "{}" },
        { role: "assistant", content: "Done." },
        user("Now call get_time again"),
      ],
    });
    assert.deepEqual(
      later.json.choices[0].message.tool_calls.map((call: Wire) => call.id),
      ["get_time:2"],
    );
  });

  it("runs the $web_search round trip and bills the search tokens in prompt_tokens", async () => {
    const tools = [{ type: "builtin_function", function: { name: "$web_search" } }];
    const question = user("What happened in the news today?");
    const first = await chat(emu, { ...K26_PLAIN, tools, messages: [question] });
    assert.equal(first.json.choices[0].finish_reason, "tool_calls");
    const call = first.json.choices[0].message.tool_calls[0];
    assert.equal(call.function.name, "$web_search");
    const args = JSON.parse(call.function.arguments);
    const searchTokens = args.usage.total_tokens;
    assert.ok(Number.isInteger(searchTokens) && searchTokens > 0);
    const history = [
      question,
      first.json.choices[0].message,
      {
        role: "tool",
        tool_call_id: call.id,
        name: "$web_search",
        content: call.function.arguments,
      },
    ];
    const second = await chat(emu, { ...K26_PLAIN, tools, messages: history });
    assert.equal(second.json.choices[0].finish_reason, "stop");
    assert.equal(
      second.json.usage.prompt_tokens,
      estimatePromptTokens(history, tools) + searchTokens,
    );
  });

  it("returns a JSON object in json_object mode and a schema match in json_schema mode", async () => {
    const obj = await chat(emu, {
      ...K26_PLAIN,
      response_format: { type: "json_object" },
      messages: [user("Reply in JSON with a short answer")],
    });
    const parsed = JSON.parse(obj.json.choices[0].message.content);
    // docs/emulator.md: completion_tokens is the estimate of the text, however it was chunked.
    assert.equal(
      obj.json.usage.completion_tokens,
      estimateTextTokens(obj.json.choices[0].message.content),
    );
    assert.equal(typeof parsed, "object");
    assert.equal(Array.isArray(parsed), false);
    const schema = {
      type: "object",
      properties: {
        name: { type: "string" },
        age: { type: "integer", minimum: 18, maximum: 30 },
        tags: { type: "array", items: { type: "string", enum: ["a", "b"] }, minItems: 2 },
        address: { $ref: "#/$defs/address" },
      },
      required: ["name", "age", "tags", "address"],
      $defs: {
        address: { type: "object", properties: { zip: { type: "string" } }, required: ["zip"] },
      },
    };
    const res = await chat(emu, {
      ...K26_PLAIN,
      stream: true,
      response_format: { type: "json_schema", json_schema: { name: "person", schema } },
      messages: [user("Make up a person")],
    });
    const text = sseChunks(res.text)
      .map((chunk: Wire) => chunk.choices[0].delta.content ?? "")
      .join("");
    const value = JSON.parse(text);
    assert.equal(typeof value.name, "string");
    assert.ok(Number.isInteger(value.age) && value.age >= 18 && value.age <= 30);
    assert.ok(
      value.tags.length >= 2 && value.tags.every((tag: string) => tag === "a" || tag === "b"),
    );
    assert.equal(typeof value.address.zip, "string");
  });

  it("reports cached_tokens for a repeated prefix, only on caching models", async () => {
    const system = { role: "system", content: "You are a careful assistant. ".repeat(20) };
    const first = await chat(emu, {
      model: "kimi-k2.6",
      messages: [system, user("First question?")],
    });
    // A 2026 miss carries no cached keys (recorded).
    assert.equal("cached_tokens" in first.json.usage, false);
    assert.equal("prompt_tokens_details" in first.json.usage, false);
    const reply = first.json.choices[0].message;
    const history = [
      system,
      user("First question?"),
      { role: "assistant", content: reply.content },
      user("Second?"),
    ];
    const second = await chat(emu, { model: "kimi-k2.6", messages: history });
    const expected = estimatePromptTokens([system, user("First question?")]) - 3; // minus request overhead
    assert.equal(second.json.usage.cached_tokens, expected);
    assert.equal(second.json.usage.prompt_tokens_details.cached_tokens, expected);
    assert.equal(second.json.usage.prompt_tokens, estimatePromptTokens(history));
    assert.deepEqual(Object.keys(second.json.usage), [
      "prompt_tokens",
      "completion_tokens",
      "total_tokens",
      "cached_tokens",
      "completion_tokens_details",
      "prompt_tokens_details",
    ]);
    assert.equal(second.headers.get("msh-context-cache-token-saved"), String(expected));
    // An identical repeat is a hit on the whole prompt (recorded: 93/93, 213/213).
    const again = await chat(emu, { model: "kimi-k2.6", messages: history });
    assert.equal(again.json.usage.cached_tokens, again.json.usage.prompt_tokens);
    assert.equal(
      again.json.usage.prompt_tokens_details.cached_tokens,
      estimatePromptTokens(history),
    );
    assert.equal(
      again.headers.get("msh-context-cache-token-saved"),
      String(estimatePromptTokens(history)),
    );
    // A one-byte change in the first message breaks the prefix.
    const changed = await chat(emu, {
      model: "kimi-k2.6",
      messages: [{ ...system, content: `${system.content} ` }, user("Second?")],
    });
    assert.equal("cached_tokens" in changed.json.usage, false);
    // 2025 K2 reports cached_tokens at the top level only, 0 on a miss.
    const k2 = await chat(emu2025, {
      model: "kimi-k2-0905-preview",
      messages: [system, user("q")],
    });
    assert.equal(k2.json.usage.cached_tokens, 0);
    assert.equal("prompt_tokens_details" in k2.json.usage, false);
    const k2Again = await chat(emu2025, {
      model: "kimi-k2-0905-preview",
      messages: [system, user("q")],
    });
    assert.equal(k2Again.json.usage.cached_tokens, k2Again.json.usage.prompt_tokens);
    assert.equal("prompt_tokens_details" in k2Again.json.usage, false);
    // moonshot-v1 has no automatic caching: the field is absent.
    await chat(emu2025, { model: "moonshot-v1-8k", messages: [system, user("q")] });
    const v1 = await chat(emu2025, { model: "moonshot-v1-8k", messages: [system, user("q")] });
    assert.equal("cached_tokens" in v1.json.usage, false);
  });

  it("answers n choices with their own index and per-choice usage when streaming", async () => {
    const res = await chat(emu2025, {
      model: "kimi-k2-0905-preview",
      n: 2,
      stream: true,
      messages: [user("Name a colour")],
    });
    const finishes = sseChunks(res.text).filter((chunk: Wire) => chunk.choices[0]?.finish_reason);
    assert.deepEqual(
      finishes.map((chunk: Wire) => chunk.choices[0].index),
      [0, 1],
    );
    assert.ok(finishes.every((chunk: Wire) => chunk.choices[0].usage.prompt_tokens > 0));
    assert.equal(sseData(res.text).at(-1), "[DONE]");
  });
});
