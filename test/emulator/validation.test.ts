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
  /**
   * Which emulator answers: today's lineup (default), the 2025 lineup for seed-era rules, or one
   * serving kimi-k2.5 (in neither lineup: released 2026-01, retired 2026-08).
   */
  server?: "2026-09" | "2025-10" | "k2.5";
}

/** 1x1 PNG. */
const PNG_1X1 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>').toString(
  "base64",
);
const imageMessage = (data: string) => ({
  role: "user",
  content: [
    { type: "text", text: "What is in this image?" },
    { type: "image_url", image_url: { url: data } },
  ],
});

const cases: Case[] = [
  {
    name: "temperature above 1 on moonshot-v1",
    server: "2025-10",
    body: { model: "moonshot-v1-8k", temperature: 1.5, messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "Invalid request: temperature must be in [0, 1], got 1.5",
  },
  {
    name: "K2.5 with a non-fixed temperature",
    server: "k2.5",
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
    server: "2025-10",
    body: { model: "kimi-k2-0905-preview", n: 6, messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "Invalid request: n must be between 1 and 5, got 6",
  },
  {
    name: "n>1 with temperature 0",
    server: "2025-10",
    body: { model: "kimi-k2-0905-preview", n: 2, temperature: 0, messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "Invalid request: when temperature is close to 0, n must be 1",
  },
  {
    name: "tool_choice required on K2",
    server: "2025-10",
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
    server: "k2.5",
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
    server: "2025-10",
    body: { model: "kimi-thinking-preview", tools: [TOOL], messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "Invalid request: model kimi-thinking-preview does not support tools",
  },
  {
    name: "functions",
    body: { model: "kimi-k2.6", functions: [{ name: "f" }], messages: [user("hi")] },
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
    name: "the seed's default model on today's lineup",
    body: { model: "kimi-k2-0905-preview", messages: [user("hi")] },
    status: 404,
    type: "resource_not_found_error",
    message: "Not found the model kimi-k2-0905-preview or Permission denied",
  },
  {
    name: "a 2026 model on the 2025 lineup",
    server: "2025-10",
    body: { model: "kimi-k2.6", messages: [user("hi")] },
    status: 404,
    type: "resource_not_found_error",
    message: "Not found the model kimi-k2.6 or Permission denied",
  },
  {
    name: "K3 temperature other than 1",
    body: { model: "kimi-k3", temperature: 0.6, messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "invalid temperature: only 1 is allowed for this model",
  },
  {
    name: "K3 top_p other than 0.95",
    body: { model: "kimi-k3", top_p: 1, messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "invalid top_p: only 0.95 is allowed for this model",
  },
  {
    name: "K3 frequency_penalty",
    body: { model: "kimi-k3", frequency_penalty: 0.5, messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "invalid frequency_penalty: only 0 is allowed for this model",
  },
  {
    name: "K3 presence_penalty",
    body: { model: "kimi-k3", presence_penalty: -1, messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "invalid presence_penalty: only 0 is allowed for this model",
  },
  {
    name: "K3 logprobs",
    body: { model: "kimi-k3", logprobs: true, messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "invalid logprobs: only false is allowed for this model",
  },
  {
    name: "K3 logit_bias",
    body: { model: "kimi-k3", logit_bias: { "1234": -100 }, messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "Invalid request: logit_bias is not supported yet",
  },
  {
    name: "K3 top_logprobs without logprobs",
    body: { model: "kimi-k3", top_logprobs: 2, messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "Invalid request: logprobs must be set to true if top_logprobs is used",
  },
  {
    name: "K3 reasoning_effort outside low/high/max",
    body: { model: "kimi-k3", reasoning_effort: "medium", messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "Invalid request: reasoning_effort must be one of low, high, max, got 'medium'",
  },
  {
    name: "reasoning_effort on a model that takes none",
    body: { model: "kimi-k2.6", reasoning_effort: "high", messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "Invalid request: reasoning_effort is not supported for model kimi-k2.6",
  },
  {
    name: "a tool of unknown type",
    body: {
      model: "kimi-k2.6",
      tools: [{ type: "retrieval", function: { name: "lookup" } }],
      messages: [user("hi")],
    },
    status: 400,
    type: "invalid_request_error",
    message:
      "Invalid request: unknown tool type: retrieval, currently only function and plugin are supported",
  },
  {
    name: "thinking disabled on kimi-k2.7-code",
    body: { model: "kimi-k2.7-code", thinking: { type: "disabled" }, messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "invalid thinking: only type=enabled is allowed for this model",
  },
  {
    name: "thinking disabled on kimi-k3",
    body: { model: "kimi-k3", thinking: { type: "disabled" }, messages: [user("hi")] },
    status: 400,
    type: "invalid_request_error",
    message: "invalid thinking: only type=enabled is allowed for this model",
  },
  {
    name: "tool_choice required with thinking on kimi-k2.7-code",
    body: {
      model: "kimi-k2.7-code",
      tools: [TOOL],
      tool_choice: "required",
      messages: [user("hi")],
    },
    status: 400,
    type: "invalid_request_error",
    message: "tool_choice 'required' is incompatible with thinking enabled",
  },
  {
    name: "an SVG sent as an image",
    body: { model: "kimi-k2.6", messages: [imageMessage(`data:image/svg+xml;base64,${SVG}`)] },
    status: 400,
    type: "invalid_request_error",
    message: "Invalid request: unsupported image format: text/plain; charset=utf-8",
  },
  {
    name: "a PDF sent as an image (whatever the declared type)",
    body: {
      model: "kimi-k3",
      messages: [
        imageMessage(`data:image/png;base64,${Buffer.from("%PDF-1.4\n").toString("base64")}`),
      ],
    },
    status: 400,
    type: "invalid_request_error",
    message: "Invalid request: unsupported image format: application/pdf",
  },
  {
    name: "a tuple schema that is not MFJS",
    body: {
      model: "kimi-k2.6",
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "pair",
          schema: {
            type: "object",
            properties: {
              pair: { type: "array", items: [{ type: "string" }, { type: "number" }] },
            },
          },
        },
      },
      messages: [user("hi")],
    },
    status: 400,
    type: "invalid_request_error",
    message:
      "Invalid request: response_format.json_schema is not a valid moonshot flavored json schema, details: <At path 'properties.pair.items': items must be an object>",
  },
  {
    name: "a schema with type beside anyOf",
    body: {
      model: "kimi-k3",
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "x",
          schema: {
            type: "object",
            properties: { v: { type: "string", anyOf: [{ type: "string" }, { type: "null" }] } },
          },
        },
      },
      messages: [user("hi")],
    },
    status: 400,
    type: "invalid_request_error",
    message:
      "Invalid request: response_format.json_schema is not a valid moonshot flavored json schema, details: <At path 'properties.v.type': type must be set inside anyOf, not beside it>",
  },
  {
    name: "context overflow",
    server: "2025-10",
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
      model: "kimi-k2.6",
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
      model: "kimi-k2.6",
      thinking: { type: "disabled" },
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
    body: { model: "kimi-k2.6", messages: [user("")] },
    status: 400,
    type: "invalid_request_error",
    message: "Invalid request: the message at position 0 with role 'user' must not be empty",
  },
];

describe("chat request validation", () => {
  let emu: RunningEmulator;
  let emu2025: RunningEmulator;
  let emuK25: RunningEmulator;
  before(async () => {
    emu = await withEmulator();
    emu2025 = await withEmulator({ lineup: "2025-10" });
    emuK25 = await withEmulator({ models: ["kimi-k2.5"] });
  });
  after(async () => {
    await emu.close();
    await emu2025.close();
    await emuK25.close();
  });

  for (const entry of cases) {
    it(`rejects ${entry.name}`, async () => {
      const server = entry.server === "2025-10" ? emu2025 : entry.server === "k2.5" ? emuK25 : emu;
      const res = await chat(server, entry.body);
      assert.equal(res.status, entry.status);
      // The service's envelope: message before type, "<" and ">" escaped.
      assert.deepEqual(Object.keys(res.json.error), ["message", "type"]);
      assert.deepEqual(res.json, { error: { type: entry.type, message: entry.message } });
      assert.equal(/[<>]/.test(res.text), false, res.text);
      assert.ok(res.headers.get("msh-request-id"));
    });
  }

  it("accepts what K3 accepts: reasoning_effort low/high/max, the fixed values, logprobs false", async () => {
    for (const effort of ["low", "high", "max"]) {
      const res = await chat(emu, {
        model: "kimi-k3",
        reasoning_effort: effort,
        temperature: 1,
        top_p: 0.95,
        frequency_penalty: 0,
        presence_penalty: 0,
        logprobs: false,
        messages: [user("hi")],
      });
      assert.equal(res.status, 200, res.text);
    }
    const sent: Wire = emu.requests.at(-1)?.body;
    assert.equal(sent.reasoning_effort, "max");
  });

  it("accepts real images, and the fixed 0.6 temperature with thinking off on K2.6", async () => {
    const png = await chat(emu, {
      model: "kimi-k2.6",
      thinking: { type: "disabled" },
      temperature: 0.6,
      messages: [imageMessage(`data:image/png;base64,${PNG_1X1}`)],
    });
    assert.equal(png.status, 200, png.text);
    // An https URL is not fetched, so it is not sniffed either.
    const url = await chat(emu, {
      model: "kimi-k2.6",
      messages: [imageMessage("https://example.com/cat.png")],
    });
    assert.equal(url.status, 200, url.text);
  });

  it("accepts plugin tools and never calls them; the 2025 lineup keeps its own rules", async () => {
    const plugin = await chat(emu, {
      model: "kimi-k2.6",
      thinking: { type: "disabled" },
      tools: [{ type: "plugin", plugin: { name: "calculator" } }],
      messages: [user("calculator please")],
    });
    assert.equal(plugin.status, 200, plugin.text);
    assert.equal(plugin.json.choices[0].finish_reason, "stop");
    const k2 = await chat(emu2025, {
      model: "kimi-k2-0905-preview",
      temperature: 0.3,
      logprobs: true,
      logit_bias: { "1": 1 },
      messages: [user("hi")],
    });
    assert.equal(k2.status, 200, k2.text);
  });

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
      const res = await chat(only, { model: "kimi-k3", messages: [user("hi")] });
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

  it("serves a lineup: today's by default, the 2025 one on request; a bad lineup throws", async () => {
    const ids = async (server: RunningEmulator) =>
      (
        await fetch(`${server.baseURL}/models`, {
          headers: { authorization: "Bearer sk-test" },
        }).then((r) => r.json() as Promise<Wire>)
      ).data.map((model: { id: string }) => model.id);
    assert.deepEqual(await ids(emu), [
      "kimi-k2.6",
      "kimi-k3",
      "kimi-k2.7-code",
      "kimi-k2.7-code-highspeed",
    ]);
    assert.deepEqual(await ids(emu2025), [
      "kimi-k2-0905-preview",
      "kimi-k2-0711-preview",
      "kimi-k2-turbo-preview",
      "kimi-thinking-preview",
      "moonshot-v1-8k",
      "moonshot-v1-32k",
      "moonshot-v1-128k",
      "moonshot-v1-auto",
      "moonshot-v1-8k-vision-preview",
      "moonshot-v1-32k-vision-preview",
      "moonshot-v1-128k-vision-preview",
      "kimi-latest",
    ]);
    const explicit = await withEmulator({ lineup: "2026-09" });
    assert.deepEqual(await ids(explicit), await ids(emu));
    await explicit.close();
    await assert.rejects(
      // biome-ignore lint/suspicious/noExplicitAny: a JavaScript caller passing a bad name.
      withEmulator({ lineup: "2024-01" as any }),
      (error: Error) =>
        error.message ===
        'startEmulator: unknown lineup "2024-01"; valid lineups: 2026-09, 2025-10',
    );
    await assert.rejects(
      withEmulator({ lineup: "2025-10", models: ["kimi-k2.6"] }),
      /give either `models` or `lineup`, not both/,
    );
  });
});
