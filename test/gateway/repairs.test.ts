/**
 * Each repair of the gateway, over loopback with the emulator upstream, asserting what the
 * client got back and what the emulator received; and the answers around them: cost headers,
 * retries, the error envelope, bad input refused without an upstream call, files, metrics.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { computeCost } from "../../src/cost/pricing.ts";
import { parseUsage } from "../../src/cost/usage.ts";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { FileRegistry } from "../../src/files/file-registry.ts";
import { type RunningGateway, startGateway } from "../../src/gateway/index.ts";
import { findCatalogModel } from "../../src/models/catalog.ts";
import { estimatePromptTokens } from "../../src/tokens/local-estimator.ts";
import { REASONING_PLACEHOLDER } from "../../src/tools/thinking-history.ts";
import { post, type SharedPostgres, sseData, startSharedPostgres, tempDir } from "./helpers.ts";

const UPSTREAM_KEY = "sk-upstream-secret-123";
const MISSING =
  "thinking is enabled but reasoning_content is missing in assistant tool call message at index 1";

let emulator: RunningEmulator;
let postgres: SharedPostgres;
let gateway: RunningGateway;
const state = tempDir();
const extra: RunningGateway[] = [];

async function anotherGateway(config: Parameters<typeof startGateway>[0]): Promise<RunningGateway> {
  const started = await startGateway({
    port: 0,
    apiKey: UPSTREAM_KEY,
    baseURL: emulator.baseURL,
    databaseUrl: postgres.url,
    stateDir: state.path,
    ...config,
  });
  extra.push(started);
  return started;
}

before(async () => {
  emulator = await startEmulator({ apiKey: UPSTREAM_KEY });
  postgres = await startSharedPostgres();
  gateway = await anotherGateway({ config: { aliases: { "gpt-4o": "kimi-k2.6" } } });
});

after(async () => {
  for (const started of extra) await started.close();
  await postgres.close();
  await emulator.close();
  state.cleanup();
});

beforeEach(() => {
  emulator.clearRequests();
  emulator.clearFaults();
});

function upstreamBodies(): Record<string, unknown>[] {
  return emulator.requests
    .filter((request) => request.path === "/v1/chat/completions")
    .map((request) => request.body as Record<string, unknown>);
}

const hello = [{ role: "user", content: "Say hello." }];
const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Weather of a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

describe("sampling", () => {
  it("drops the values a fixed-sampling model rejects and reports each", async () => {
    const answer = await post(gateway.baseURL, "/chat/completions", {
      model: "kimi-k2.6",
      messages: hello,
      temperature: 0.3,
      top_p: 0.5,
      n: 2,
      presence_penalty: 0.5,
      frequency_penalty: 0,
    });
    assert.equal(answer.status, 200);
    assert.equal(
      answer.headers.get("x-kimi-gateway-repairs"),
      "temperature,top_p,n,presence_penalty",
    );
    const sent = upstreamBodies()[0] ?? {};
    for (const field of ["temperature", "top_p", "n", "presence_penalty"]) {
      assert.equal(field in sent, false, field);
    }
    assert.equal(sent.frequency_penalty, 0);
  });

  it("never touches an accepted value", async () => {
    const answer = await post(gateway.baseURL, "/chat/completions", {
      model: "kimi-k2.6",
      messages: hello,
      temperature: 1,
      top_p: 0.95,
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get("x-kimi-gateway-repairs"), null);
    assert.equal(upstreamBodies()[0]?.temperature, 1);
    assert.equal(upstreamBodies()[0]?.top_p, 0.95);
  });

  it("drops logprobs and logit_bias for kimi-k3", async () => {
    const answer = await post(gateway.baseURL, "/chat/completions", {
      model: "kimi-k3",
      messages: hello,
      logprobs: true,
      top_logprobs: 2,
      logit_bias: { "42": 1 },
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get("x-kimi-gateway-repairs"), "logprobs,top_logprobs,logit_bias");
    const sent = upstreamBodies()[0] ?? {};
    assert.deepEqual(
      ["logprobs", "top_logprobs", "logit_bias"].filter((field) => field in sent),
      [],
    );
  });
});

describe("tool schemas", () => {
  it("normalises a schema to MFJS before it is sent", async () => {
    const answer = await post(gateway.baseURL, "/chat/completions", {
      model: "kimi-k2.6",
      messages: [{ role: "user", content: "Call get_weather for Paris." }],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            parameters: {
              $schema: "http://json-schema.org/draft-07/schema#",
              type: "object",
              properties: { city: { type: ["string", "null"] } },
            },
          },
        },
      ],
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get("x-kimi-gateway-repairs"), "tools");
    const sent = upstreamBodies()[0]?.tools as { function: { parameters: unknown } }[];
    assert.deepEqual(sent[0]?.function.parameters, {
      type: "object",
      properties: { city: { anyOf: [{ type: "string" }, { type: "null" }] } },
    });
  });

  it("refuses a schema it cannot repair with a 400 naming the tool, without an upstream call", async () => {
    const answer = await post(gateway.baseURL, "/chat/completions", {
      model: "kimi-k2.6",
      messages: hello,
      tools: [{ type: "function", function: { name: "lookup", parameters: { type: "string" } } }],
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.json.error.type, "invalid_request_error");
    assert.equal(answer.json.error.code, "invalid_request");
    assert.match(answer.json.error.message, /^Tool "lookup" has a schema Kimi cannot accept/);
    assert.equal(emulator.requests.length, 0);
  });
});

describe("stream usage", () => {
  it("puts usage on the finish chunk and drops the choices:[] chunk the client did not ask for", async () => {
    const answer = await post(gateway.baseURL, "/chat/completions", {
      model: "kimi-k2.6",
      messages: hello,
      stream: true,
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get("x-kimi-gateway-repairs"), "usage");
    assert.deepEqual(upstreamBodies()[0]?.stream_options, { include_usage: true });
    const data = sseData(answer.text);
    assert.equal(data.at(-1), "[DONE]");
    const chunks = data.slice(0, -1).map((line) => JSON.parse(line));
    assert.equal(chunks.filter((chunk) => chunk.choices.length === 0).length, 0);
    const finish = chunks.at(-1);
    assert.equal(finish.choices[0].finish_reason, "stop");
    assert.deepEqual(finish.usage, finish.choices[0].usage);
    assert.ok(finish.usage.completion_tokens > 0);
  });

  it("passes the stream unchanged when the client asked for include_usage", async () => {
    const answer = await post(gateway.baseURL, "/chat/completions", {
      model: "kimi-k2.6",
      messages: hello,
      stream: true,
      stream_options: { include_usage: true },
    });
    assert.equal(answer.headers.get("x-kimi-gateway-repairs"), null);
    const chunks = sseData(answer.text)
      .slice(0, -1)
      .map((line) => JSON.parse(line));
    const last = chunks.at(-1);
    assert.deepEqual(last.choices, []);
    assert.equal(chunks.at(-2).usage, undefined);
    assert.deepEqual(last.usage, chunks.at(-2).choices[0].usage);
  });
});

describe("output cap", () => {
  it("raises a small max_tokens on a thinking request to the floor", async () => {
    const answer = await post(gateway.baseURL, "/chat/completions", {
      model: "kimi-k2.6",
      messages: hello,
      max_tokens: 100,
    });
    assert.equal(answer.headers.get("x-kimi-gateway-repairs"), "max_tokens");
    assert.equal(upstreamBodies()[0]?.max_tokens, 16_000);
  });

  it("leaves max_tokens alone with thinking disabled, and maps max_completion_tokens", async () => {
    await post(gateway.baseURL, "/chat/completions", {
      model: "kimi-k2.6",
      messages: hello,
      thinking: { type: "disabled" },
      max_tokens: 100,
    });
    await post(gateway.baseURL, "/chat/completions", {
      model: "kimi-k2.6",
      messages: hello,
      max_completion_tokens: 20_000,
    });
    const [disabled, mapped] = upstreamBodies();
    assert.equal(disabled?.max_tokens, 100);
    assert.equal(mapped?.max_tokens, 20_000);
    assert.equal(mapped !== undefined && "max_completion_tokens" in mapped, false);
  });
});

describe("model aliases and retired models", () => {
  it("sends an aliased model id to its target", async () => {
    const answer = await post(gateway.baseURL, "/chat/completions", {
      model: "gpt-4o",
      messages: hello,
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get("x-kimi-gateway-repairs"), "model");
    assert.equal(upstreamBodies()[0]?.model, "kimi-k2.6");
    assert.equal(answer.json.model, "kimi-k2.6");
  });

  it("explains a retired model's 404 with its successor, keeping the service's message", async () => {
    const answer = await post(gateway.baseURL, "/chat/completions", {
      model: "kimi-k2-0905-preview",
      messages: hello,
    });
    assert.equal(answer.status, 404);
    assert.equal(answer.json.error.type, "resource_not_found_error");
    assert.equal(answer.json.error.code, "model_not_found");
    assert.equal(
      answer.json.error.message,
      'Model "kimi-k2-0905-preview" was retired on 2026-05-25; its successor is kimi-k2.6. Send model "kimi-k2.6", or turn on the gateway\'s retiredModels repair to send it there automatically.',
    );
    assert.deepEqual(answer.json.error.upstream, {
      status: 404,
      type: "resource_not_found_error",
      message: "Not found the model kimi-k2-0905-preview or Permission denied",
    });
  });

  it("sends a retired model to its successor when retiredModels is on", async () => {
    const retiring = await anotherGateway({ config: { repairs: { retiredModels: true } } });
    const answer = await post(retiring.baseURL, "/chat/completions", {
      model: "kimi-k2-0905-preview",
      messages: hello,
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get("x-kimi-gateway-repairs"), "model");
    assert.equal(upstreamBodies()[0]?.model, "kimi-k2.6");
  });
});

describe("reasoning memory", () => {
  async function toolTurn(question: string) {
    const messages = [{ role: "user", content: question }];
    const first = await post(gateway.baseURL, "/chat/completions", {
      model: "kimi-k2.6",
      messages,
      tools: [weatherTool],
    });
    assert.equal(first.status, 200);
    const message = first.json.choices[0].message;
    const { reasoning_content: reasoning, ...withoutReasoning } = message;
    const call = message.tool_calls[0];
    return {
      reasoning: reasoning as string,
      id: call.id as string,
      history: [
        ...messages,
        // What clients send back: the turn without reasoning_content, arguments re-encoded.
        {
          ...withoutReasoning,
          tool_calls: [
            {
              ...call,
              function: {
                ...call.function,
                arguments: JSON.stringify(JSON.parse(call.function.arguments)),
              },
            },
          ],
        },
        { role: "tool", tool_call_id: call.id, content: "sunny" },
      ],
    };
  }

  it("gives each conversation its own reasoning back although the tool-call ids repeat", async () => {
    const paris = await toolTurn("Call get_weather for Paris.");
    const oslo = await toolTurn("Call get_weather for Oslo, please.");
    assert.equal(paris.id, oslo.id);
    assert.notEqual(paris.reasoning, oslo.reasoning);
    emulator.clearRequests();
    for (const conversation of [oslo, paris]) {
      const answer = await post(gateway.baseURL, "/chat/completions", {
        model: "kimi-k2.6",
        messages: conversation.history,
        tools: [weatherTool],
      });
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get("x-kimi-gateway-repairs"), "reasoning_content");
    }
    const [osloSent, parisSent] = upstreamBodies().map(
      (body) => (body.messages as { reasoning_content?: string }[])[1]?.reasoning_content,
    );
    assert.equal(osloSent, oslo.reasoning);
    assert.equal(parisSent, paris.reasoning);
  });

  it("remembers the reasoning of a streamed tool-call turn", async () => {
    const question = [{ role: "user", content: "Call get_weather for Kyiv." }];
    const streamed = await post(gateway.baseURL, "/chat/completions", {
      model: "kimi-k2.6",
      messages: question,
      tools: [weatherTool],
      stream: true,
    });
    let reasoning = "";
    const calls: { id: string; name: string; arguments: string }[] = [];
    for (const line of sseData(streamed.text).slice(0, -1)) {
      const delta = JSON.parse(line).choices[0]?.delta ?? {};
      reasoning += delta.reasoning_content ?? "";
      for (const call of delta.tool_calls ?? []) {
        if (call.id) calls[call.index] = { id: call.id, name: call.function.name, arguments: "" };
        const target = calls[call.index];
        if (target) target.arguments += call.function?.arguments ?? "";
      }
    }
    assert.ok(reasoning.length > 1);
    const call = calls[0];
    assert.ok(call);
    emulator.clearRequests();
    const answer = await post(gateway.baseURL, "/chat/completions", {
      model: "kimi-k2.6",
      tools: [weatherTool],
      messages: [
        ...question,
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: call.id,
              type: "function",
              function: { name: call.name, arguments: call.arguments },
            },
          ],
        },
        { role: "tool", tool_call_id: call.id, content: "snow" },
      ],
    });
    assert.equal(answer.status, 200);
    const sent = upstreamBodies()[0]?.messages as { reasoning_content?: string }[];
    assert.equal(sent[1]?.reasoning_content, reasoning);
  });

  it("gives a turn it never served the library's placeholder", async () => {
    const answer = await post(gateway.baseURL, "/chat/completions", {
      model: "kimi-k2.6",
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Call get_weather for Rome." },
        {
          role: "assistant",
          content: "",
          tool_calls: [
            {
              id: "get_weather_0",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Rome"}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "get_weather_0", content: "rain" },
      ],
    });
    assert.equal(answer.status, 200);
    const sent = upstreamBodies()[0]?.messages as { reasoning_content?: string }[];
    assert.equal(sent[1]?.reasoning_content, REASONING_PLACEHOLDER);
  });

  it("with the repair off, relays the service's 400 in the envelope with the original kept", async () => {
    const plain = await anotherGateway({ config: { repairs: { reasoningContent: false } } });
    const { history } = await toolTurn("Call get_weather for Lima.");
    const answer = await post(plain.baseURL, "/chat/completions", {
      model: "kimi-k2.6",
      messages: history,
      tools: [weatherTool],
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.json.error.type, "invalid_request_error");
    assert.equal(answer.json.error.code, "invalid_request");
    assert.match(answer.json.error.message, /^Moonshot rejected the request as invalid/);
    assert.deepEqual(answer.json.error.upstream, {
      status: 400,
      type: "invalid_request_error",
      message: MISSING,
    });
  });
});

describe("answers", () => {
  it("reports the cost and cached tokens of a non-stream answer in headers", async () => {
    const body = {
      model: "kimi-k2.6",
      messages: [{ role: "user", content: "Price this answer." }],
    };
    const first = await post(gateway.baseURL, "/chat/completions", body);
    const usage = parseUsage(first.json.usage);
    assert.ok(usage);
    const model = findCatalogModel("kimi-k2.6");
    assert.equal(first.headers.get("x-kimi-cost-usd"), String(computeCost(model, usage).total));
    assert.equal(first.headers.get("x-kimi-cached-tokens"), "0");
    const repeat = await post(gateway.baseURL, "/chat/completions", body);
    const cached = parseUsage(repeat.json.usage)?.cachedTokens ?? 0;
    assert.ok(cached > 0);
    assert.equal(repeat.headers.get("x-kimi-cached-tokens"), String(cached));
  });

  it("retries a rate limit after the wait the message names", async () => {
    emulator.inject({
      kind: "error",
      status: 429,
      type: "rate_limit_reached_error",
      message: "your request reached organization max RPM: 3, please try again after 1 seconds",
    });
    const answer = await post(gateway.baseURL, "/chat/completions", {
      model: "kimi-k2.6",
      messages: hello,
    });
    assert.equal(answer.status, 200);
    assert.deepEqual(
      emulator.requests.map((request) => request.status),
      [429, 200],
    );
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    assert.match(metrics, /\nkimi_gateway_upstream_retries_total 1\n/);
  });

  it("does not retry a quota error, and relays it", async () => {
    emulator.setQuotaExhausted(true);
    try {
      const answer = await post(gateway.baseURL, "/chat/completions", {
        model: "kimi-k2.6",
        messages: hello,
      });
      assert.equal(answer.status, 429);
      assert.equal(answer.json.error.type, "exceeded_current_quota_error");
      assert.equal(answer.json.error.code, "quota_exceeded");
      assert.equal(answer.headers.get("retry-after"), null);
      assert.equal(emulator.requests.length, 1);
    } finally {
      emulator.setQuotaExhausted(false);
    }
  });

  it("never retries after the first byte: a cut stream is cut for the client", async () => {
    emulator.inject({ kind: "cut", afterChunks: 3 });
    await assert.rejects(
      post(gateway.baseURL, "/chat/completions", {
        model: "kimi-k2.6",
        messages: hello,
        stream: true,
      }),
      (error: unknown) => {
        assert.ok(error instanceof TypeError);
        return true;
      },
    );
    assert.equal(emulator.requests.length, 1);
  });

  it("keeps the upstream key to itself when upstream refuses it", async () => {
    const wrong = await anotherGateway({ apiKey: "sk-wrong-upstream-key" });
    const answer = await post(wrong.baseURL, "/chat/completions", {
      model: "kimi-k2.6",
      messages: hello,
    });
    assert.equal(answer.status, 502);
    assert.equal(answer.json.error.code, "authentication_failed");
    assert.equal(answer.json.error.upstream.message, "Invalid Authentication");
    assert.equal(answer.text.includes("sk-wrong-upstream-key"), false);
    assert.equal(emulator.requests[0]?.headers.authorization, "Bearer [redacted]");
  });
});

describe("bad input is refused in the envelope, without an upstream call", () => {
  const cases: [string, string | Record<string, unknown>, number, RegExp][] = [
    [
      "malformed JSON",
      '{"model": "kimi-k2.6", "messages": [',
      400,
      /^The request body is not valid JSON/,
    ],
    [
      "a string temperature",
      { model: "kimi-k2.6", messages: hello, temperature: "hot" },
      400,
      /^`temperature` must be a number, got a string/,
    ],
    [
      "messages not an array",
      { model: "kimi-k2.6", messages: "hi" },
      400,
      /^`messages` must be a non-empty array of messages, got a string/,
    ],
    ["a missing model", { messages: hello }, 400, /^`model` is missing/],
    [
      "a bad role",
      { model: "kimi-k2.6", messages: [{ role: "robot", content: "x" }] },
      400,
      /^`messages\[0\]\.role` must be one of/,
    ],
  ];
  for (const [name, body, status, message] of cases) {
    it(`refuses ${name}`, async () => {
      const answer = await post(gateway.baseURL, "/chat/completions", body);
      assert.equal(answer.status, status);
      assert.equal(answer.json.error.type, "invalid_request_error");
      assert.equal(answer.json.error.code, "invalid_request");
      assert.match(answer.json.error.message, message);
      assert.equal(emulator.requests.length, 0);
    });
  }

  it("refuses a 50 MB body with a 413", async () => {
    const big = JSON.stringify({
      model: "kimi-k2.6",
      messages: [{ role: "user", content: "x".repeat(50 * 1024 * 1024) }],
    });
    const answer = await post(gateway.baseURL, "/chat/completions", big);
    assert.equal(answer.status, 413);
    assert.equal(answer.json.error.type, "invalid_request_error");
    assert.match(
      answer.json.error.message,
      /^The request body is larger than this gateway accepts \(10485760 bytes\)/,
    );
    assert.equal(emulator.requests.length, 0);
  });
});

describe("the other endpoints", () => {
  it("lists models, estimates tokens and reports health", async () => {
    const models = (await (await fetch(`${gateway.baseURL}/models`)).json()) as {
      data: { id: string }[];
    };
    assert.ok(models.data.some((model) => model.id === "kimi-k2.6"));
    const estimate = await post(gateway.baseURL, "/tokenizers/estimate-token-count", {
      model: "gpt-4o",
      messages: hello,
    });
    assert.equal(estimate.status, 200);
    assert.equal(estimate.json.data.total_tokens, estimatePromptTokens(hello));
    assert.equal(
      (emulator.requests.at(-1)?.body as { model?: string } | undefined)?.model,
      "kimi-k2.6",
    );
    const health = await fetch(`${gateway.url}/healthz`);
    assert.deepEqual(await health.json(), { status: "ok" });
  });

  it("passes files through and tracks them in the file registry", async () => {
    const form = new FormData();
    form.append("purpose", "file-extract");
    form.append("file", new Blob(["hello gateway"], { type: "text/plain" }), "note.txt");
    const uploaded = (await (
      await fetch(`${gateway.baseURL}/files`, { method: "POST", body: form })
    ).json()) as { id: string; filename: string };
    assert.equal(uploaded.filename, "note.txt");
    const registry = new FileRegistry(state.path);
    assert.deepEqual(
      (await registry.read()).map((entry) => [entry.id, entry.baseURL]),
      [[uploaded.id, emulator.baseURL]],
    );
    const list = (await (await fetch(`${gateway.baseURL}/files`)).json()) as {
      data: { id: string }[];
    };
    assert.ok(list.data.some((file) => file.id === uploaded.id));
    const content = await fetch(`${gateway.baseURL}/files/${uploaded.id}/content`);
    assert.equal(content.status, 200);
    assert.match(await content.text(), /hello gateway/);
    const deleted = await fetch(`${gateway.baseURL}/files/${uploaded.id}`, { method: "DELETE" });
    assert.deepEqual(await deleted.json(), { deleted: true, id: uploaded.id, object: "file" });
    assert.deepEqual(await registry.read(), []);
  });

  it("exposes Prometheus metrics", async () => {
    await post(gateway.baseURL, "/chat/completions", { model: "kimi-k2.6", messages: hello });
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    assert.match(
      text,
      /\nkimi_gateway_requests_total\{route="\/v1\/chat\/completions",status="200"\} \d+\n/,
    );
    assert.match(text, /\nkimi_gateway_errors_total\{code="invalid_request"\} \d+\n/);
    assert.match(text, /\nkimi_gateway_tokens_total\{model="kimi-k2.6",kind="prompt"\} \d+\n/);
    assert.match(text, /\nkimi_gateway_cost_usd_total\{model="kimi-k2.6"\} 0\.\d+\n/);
    assert.match(text, /\nkimi_gateway_upstream_latency_seconds_count [1-9]\d*\n/);
  });
});
