import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { estimatePromptTokens } from "../../src/tokens/local-estimator.ts";
import { chat, user, type Wire, withEmulator } from "./helpers.ts";

const TOOL = {
  type: "function",
  function: {
    name: "lookup",
    parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
  },
};
const CALL = {
  id: "lookup:0",
  type: "function",
  function: { name: "lookup", arguments: '{"q":"x"}' },
};

interface Case {
  name: string;
  body: Record<string, unknown>;
  status: number;
  type: string;
  message: string;
}

const cases: Case[] = [
  {
    name: "temperature above 1 on moonshot-v1",
    body: { model: "moonshot-v1-8k", temperature: 1.5, messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "Invalid request: temperature must be in [0, 1], got 1.5",
  },
  {
    name: "K2.5 with a non-fixed temperature",
    body: { model: "kimi-k2.5", temperature: 0.7, messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "invalid temperature: only 1 is allowed for this model",
  },
  {
    name: "K2.6 thinking disabled with temperature 1",
    body: {
      model: "kimi-k2.6",
      thinking: { type: "disabled" },
      temperature: 1,
      messages: [user("hi")],
    },
    status: 400,
    type: "invalid_request_error",
    message: "invalid temperature: only 0.6 is allowed for this model",
  },
  {
    name: "K2.6 with top_p other than 0.95",
    body: { model: "kimi-k2.6", top_p: 0.5, messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "invalid top_p: only 0.95 is allowed for this model",
  },
  {
    name: "K2.6 with n=2",
    body: { model: "kimi-k2.6", n: 2, messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "invalid n: only 1 is allowed for this model",
  },
  {
    name: "n above 5",
    body: { model: "kimi-k2-0905-preview", n: 6, messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "Invalid request: n must be between 1 and 5, got 6",
  },
  {
    name: "n>1 with temperature 0",
    body: { model: "kimi-k2-0905-preview", n: 2, temperature: 0, messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "Invalid request: when temperature is close to 0, n must be 1",
  },
  {
    name: "tool_choice required on K2",
    body: {
      model: "kimi-k2-0905-preview",
      tools: [TOOL],
      tool_choice: "required",
      messages: [user("hi")],
    },
    status: 400,
    type: "invalid_request_error",
    message: "Invalid request: tool_choice 'required' is not supported, use 'auto' or 'none'",
  },
  {
    name: "tool_choice required with thinking",
    body: { model: "kimi-k2.6", tools: [TOOL], tool_choice: "required", messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "tool_choice 'required' is incompatible with thinking enabled",
  },
  {
    name: "named tool_choice with thinking",
    body: {
      model: "kimi-k2.6",
      tools: [TOOL],
      tool_choice: { type: "function", function: { name: "lookup" } },
      messages: [user("hi")],
    },
    status: 400,
    type: "invalid_request_error",
    message: "tool_choice 'specified' is incompatible with thinking enabled",
  },
  {
    name: "thinking.keep on K2.5",
    body: {
      model: "kimi-k2.5",
      thinking: { type: "enabled", keep: "all" },
      messages: [user("hi")],
    },
    status: 400,
    type: "invalid_request_error",
    message: "Invalid request: thinking.keep is not supported for model kimi-k2.5",
  },
  {
    name: "tools on a model without tools",
    body: { model: "kimi-thinking-preview", tools: [TOOL], messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "Invalid request: model kimi-thinking-preview does not support tools",
  },
  {
    name: "functions",
    body: { model: "kimi-k2-0905-preview", functions: [{ name: "f" }], messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "Invalid request: functions is not supported, please use tools instead",
  },
  {
    name: "unknown model",
    body: { model: "gpt-4o", messages: [user("hi")] },
    status: 404,
    type: "resource_not_found_error",
    message: "Not found the model gpt-4o or Permission denied",
  },
  {
    name: "retired model",
    body: { model: "kimi-k2-thinking", messages: [user("hi")] },
    status: 404,
    type: "resource_not_found_error",
    message: "Not found the model kimi-k2-thinking or Permission denied",
  },
  {
    name: "context overflow",
    body: { model: "moonshot-v1-8k", max_tokens: 8000, messages: [user("word ".repeat(400))] },
    status: 400,
    type: "invalid_request_error",
    message: `Invalid request: Your request exceeded model token limit: 8192 (requested: ${estimatePromptTokens([user("word ".repeat(400))]) + 8000})`,
  },
  {
    name: "missing reasoning_content with thinking",
    body: {
      model: "kimi-k2.6",
      tools: [TOOL],
      messages: [
        user("look it up"),
        { role: "assistant", content: "", tool_calls: [CALL] },
        { role: "tool", tool_call_id: "lookup:0", content: "found" },
      ],
    },
    status: 400,
    type: "invalid_request_error",
    message:
      "thinking is enabled but reasoning_content is missing in assistant tool call message at index 1",
  },
  {
    name: "tool message answering no call",
    body: {
      model: "kimi-k2-0905-preview",
      tools: [TOOL],
      messages: [user("hi"), { role: "tool", tool_call_id: "lookup:9", content: "x" }],
    },
    status: 400,
    type: "invalid_request_error",
    message: "Invalid request: tool_call_id not found: lookup:9",
  },
  {
    name: "tool call left unanswered",
    body: {
      model: "kimi-k2-0905-preview",
      tools: [TOOL],
      messages: [user("hi"), { role: "assistant", content: "", tool_calls: [CALL] }, user("again")],
    },
    status: 400,
    type: "invalid_request_error",
    message:
      "Invalid request: tool_call_id lookup:0 in assistant message has no matching tool message",
  },
  {
    name: "empty content",
    body: { model: "kimi-k2-0905-preview", messages: [user("")] },
    status: 400,
    type: "invalid_request_error",
    message: "Invalid request: the message at position 0 with role 'user' must not be empty",
  },
];

describe("chat request validation", () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await withEmulator();
  });
  after(() => emu.close());

  for (const entry of cases) {
    it(`rejects ${entry.name}`, async () => {
      const res = await chat(emu, entry.body);
      assert.equal(res.status, entry.status);
      assert.deepEqual(res.json, { error: { type: entry.type, message: entry.message } });
      assert.ok(res.headers.get("msh-request-id"));
    });
  }

  it("accepts the fixed values and a reasoning_content carried back", async () => {
    const ok = await chat(emu, {
      model: "kimi-k2.6",
      temperature: 1,
      top_p: 0.95,
      tools: [TOOL],
      messages: [
        user("look it up"),
        { role: "assistant", content: "", reasoning_content: "I should look.", tool_calls: [CALL] },
        { role: "tool", tool_call_id: "lookup:0", content: "found" },
      ],
    });
    assert.equal(ok.status, 200);
  });

  it("serves only the configured models", async () => {
    const only = await withEmulator({ models: ["kimi-k2.6"] });
    try {
      const res = await chat(only, { model: "kimi-k2-0905-preview", messages: [user("hi")] });
      assert.equal(res.status, 404);
      const list = await fetch(`${only.baseURL}/models`, {
        headers: { authorization: "Bearer sk-test" },
      }).then((r) => r.json() as Promise<Wire>);
      assert.deepEqual(
        list.data.map((model: { id: string }) => model.id),
        ["kimi-k2.6"],
      );
      assert.deepEqual(Object.keys(list.data[0]).sort(), [
        "context_length",
        "created",
        "id",
        "object",
        "owned_by",
        "supports_image_in",
        "supports_reasoning",
        "supports_video_in",
      ]);
      assert.equal(list.object, "list");
    } finally {
      await only.close();
    }
  });
});
