/**
 * Conformance with recorded traffic: every capture under test/fixtures/captures/ (public
 * recordings of the real Moonshot service; each `.source` file says where it came from) is
 * replayed byte for byte over loopback, and what the library reads from it is checked exactly:
 * text, reasoning, tool calls (ids verbatim), usage, cost at catalog prices, error class and
 * retry wait.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { ChatRequest, ChatResult, StreamEvent } from "../../src/chat/types.ts";
import { createKimi, type Kimi } from "../../src/client.ts";
import {
  AuthenticationError,
  ContextOverflowError,
  InvalidRequestError,
  MalformedResponseError,
  ModelNotFoundError,
  OverloadedError,
  QuotaExceededError,
  RateLimitError,
} from "../../src/errors/error-classes.ts";
import type { KimiError } from "../../src/errors/kimi-error.ts";
import { responseRequestId } from "../../src/http/raw-response.ts";
import { DEFAULT_RETRY_POLICY, retryDelayMs } from "../../src/http/retry-policy.ts";
import {
  CAPTURES_DIR,
  loadCapture,
  type ReplayServer,
  startReplayServer,
} from "./helpers/replay-server.ts";

const stateDirs: string[] = [];
const servers: ReplayServer[] = [];
after(async () => {
  for (const server of servers) await server.close();
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
});

/** A client pointed at a replay of `files` (retries as configured, default 2). */
async function replay(
  files: readonly string[],
  settings: { maxRetries?: number } = {},
): Promise<{ kimi: Kimi; server: ReplayServer }> {
  const server = await startReplayServer(files);
  servers.push(server);
  const stateDir = mkdtempSync(join(tmpdir(), "kimi-replay-"));
  stateDirs.push(stateDir);
  const kimi = createKimi({
    apiKey: "sk-replay-test",
    baseURL: server.baseURL,
    env: {},
    stateDir,
    ...(settings.maxRetries === undefined ? {} : { maxRetries: settings.maxRetries }),
  });
  return { kimi, server };
}

const hello = [{ role: "user" as const, content: "Reply with exactly one word: OK." }];

async function streamAll(
  kimi: Kimi,
  request: ChatRequest,
): Promise<{ events: StreamEvent[]; result: ChatResult }> {
  const stream = kimi.stream(request);
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return { events, result: await stream.result };
}

async function failure(promise: Promise<unknown>): Promise<KimiError> {
  try {
    await promise;
  } catch (error) {
    return error as KimiError;
  }
  assert.fail("expected the call to fail");
}

function sentBody(server: ReplayServer, n = 0): Record<string, unknown> {
  const request = server.requests[n];
  assert.ok(request, `request ${n} was not received`);
  return JSON.parse(request.body) as Record<string, unknown>;
}

/** Every capture file this test replays; checked against the directory below. */
const REPLAYED = new Set<string>();
function uses(file: string): string {
  REPLAYED.add(file);
  return file;
}

describe("recorded 2026 streams (K3)", () => {
  it("B01: reasoning, an empty reasoning delta, content, usage in the finish chunk and the usage chunk; cost at K3 prices", async () => {
    const { kimi, server } = await replay([uses("B01-k3-stream-reasoning-include-usage.sse")]);
    const { events, result } = await streamAll(kimi, {
      model: "kimi-k3",
      reasoningEffort: "low",
      messages: hello,
    });
    const body = sentBody(server);
    assert.equal(body.model, "kimi-k3");
    assert.equal(body.reasoning_effort, "low");
    assert.equal(body.temperature, undefined);
    assert.equal(body.max_tokens, 32768);
    assert.deepEqual(body.stream_options, { include_usage: true });
    const reasoning = events.filter((event) => event.type === "reasoning-delta");
    assert.equal(reasoning.length, 14, "the empty reasoning delta is not an event");
    assert.deepEqual(
      events.filter((event) => event.type === "text-delta"),
      [{ type: "text-delta", text: "OK" }],
    );
    assert.equal(events.at(-1)?.type, "finish");
    assert.equal(result.id, "chatcmpl-2fd89a86-2ca0-983f-b91a-01c260395d0a");
    assert.equal(result.model, "kimi-k3");
    assert.equal(result.created, 1787771120);
    assert.equal(result.content, "OK");
    assert.equal(
      result.reasoningContent,
      'The user is asking me to reply with exactly "OK". This is a simple request with no ambiguity. I should just respond with "OK" and nothing else.',
    );
    assert.equal(result.finishReason, "stop");
    assert.deepEqual(result.toolCalls, []);
    assert.deepEqual(result.usage, {
      promptTokens: 90,
      completionTokens: 50,
      totalTokens: 140,
      cachedTokens: 90,
      reasoningTokens: 33,
    });
    // 90 cached tokens at 0.30 USD/M + 50 output tokens at 15.00 USD/M.
    assert.deepEqual(result.cost, {
      model: "kimi-k3",
      input: 0.000027,
      cachedInput: 0.000027,
      uncachedInput: 0,
      output: 0.00075,
      webSearch: 0,
      total: 0.000777,
      currency: "USD",
    });
    assert.deepEqual(result.warnings, []);
    assert.equal(kimi.usage.snapshot().costUsd, 0.000777);
  });

  it("B02: a streamed tool call keeps the id get_weather_0 verbatim and joins the argument fragments", async () => {
    const { kimi } = await replay([uses("B02-k3-stream-tool-call.sse")]);
    const { events, result } = await streamAll(kimi, {
      model: "kimi-k3",
      messages: [{ role: "user", content: "Use get_weather for Paris." }],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            parameters: { type: "object", properties: { city: { type: "string" } } },
          },
        },
      ],
    });
    const call = {
      id: "get_weather_0",
      type: "function",
      function: { name: "get_weather", arguments: '{"city": "Paris"}' },
    };
    assert.deepEqual(
      events.filter((event) => event.type === "tool-call-delta"),
      [
        {
          type: "tool-call-delta",
          index: 0,
          id: "get_weather_0",
          name: "get_weather",
          argumentsDelta: "",
        },
        { type: "tool-call-delta", index: 0, argumentsDelta: '{"city": "Paris"}' },
      ],
    );
    assert.deepEqual(
      events.filter((event) => event.type === "tool-call"),
      [{ type: "tool-call", toolCall: call }],
    );
    assert.deepEqual(result.toolCalls, [call]);
    assert.deepEqual(result.message.tool_calls, [call]);
    assert.equal(result.content, "");
    assert.equal(
      result.reasoningContent,
      "User explicitly asks use get_weather. Need call get_weather. Then likely final can summarize? User says do not answer directly meaning use tool. We can call tool now. Need not expose. Call get_weather Paris.",
    );
    assert.equal(result.finishReason, "tool_calls");
    assert.deepEqual(result.usage, {
      promptTokens: 213,
      completionTokens: 99,
      totalTokens: 312,
      cachedTokens: 213,
      reasoningTokens: 46,
    });
    // 213 cached at 0.30 + 99 output at 15.00 (USD per million).
    assert.equal(result.cost.total, 0.0015489);
  });
});

describe("recorded 2026 non-stream answers", () => {
  it("B03: K3 tool call with index and id ping_0, no cached keys on a miss", async () => {
    const { kimi } = await replay([uses("B03-k3-chat-tool-call-required.json")]);
    const result = await kimi.chat({
      model: "kimi-k3",
      messages: [{ role: "user", content: "Call the ping tool." }],
      tools: [{ type: "function", function: { name: "ping", parameters: { type: "object" } } }],
      toolChoice: "required",
    });
    assert.deepEqual(result.toolCalls, [
      { id: "ping_0", type: "function", function: { name: "ping", arguments: "{}" } },
    ]);
    assert.equal(result.content, "");
    assert.equal(
      result.reasoningContent,
      "The user asked me to call the ping tool. I'll do that now.",
    );
    assert.equal(result.finishReason, "tool_calls");
    assert.deepEqual(result.usage, {
      promptTokens: 189,
      completionTokens: 51,
      totalTokens: 240,
      cachedTokens: 0,
      reasoningTokens: 15,
    });
    // 189 uncached at 3.00 + 51 output at 15.00.
    assert.deepEqual(
      [result.cost.cachedInput, result.cost.uncachedInput, result.cost.output, result.cost.total],
      [0, 0.000567, 0.000765, 0.001332],
    );
    assert.deepEqual(result.message, {
      role: "assistant",
      content: "",
      reasoning_content: "The user asked me to call the ping tool. I'll do that now.",
      tool_calls: [{ id: "ping_0", type: "function", function: { name: "ping", arguments: "{}" } }],
    });
  });

  it("B04: K2.6 with an empty reasoning_content and a partial cache hit; cost at K2.6 prices", async () => {
    const { kimi } = await replay([uses("B04-k26-chat-empty-reasoning.json")]);
    const result = await kimi.chat({ model: "kimi-k2.6", messages: hello });
    assert.equal(result.content, "IMAGE_OK");
    assert.equal(result.reasoningContent, "");
    assert.equal(result.id, "chatcmpl-6a8de8a98709c8ec9c4875ac");
    assert.deepEqual(result.usage, {
      promptTokens: 18,
      completionTokens: 5,
      totalTokens: 23,
      cachedTokens: 6,
      reasoningTokens: 1,
    });
    // 6 cached at 0.16 + 12 uncached at 0.95 + 5 output at 4.00.
    assert.deepEqual(
      [result.cost.cachedInput, result.cost.uncachedInput, result.cost.output, result.cost.total],
      [0.00000096, 0.0000114, 0.00002, 0.00003236],
    );
  });

  it("B05: K2.6 spends all 32 output tokens on reasoning: the empty answer comes with a warning", async () => {
    const { kimi, server } = await replay([uses("B05-k26-chat-length-in-reasoning.json")]);
    const result = await kimi.chat({ model: "kimi-k2.6", maxTokens: 32, messages: hello });
    assert.equal(sentBody(server).max_tokens, 32);
    assert.equal(result.content, "");
    assert.equal(result.finishReason, "length");
    assert.equal(
      result.reasoningContent,
      "The user wants me to call the ping tool. I should use the function call format to invoke it. Since the tool takes no parameters (empty object),",
    );
    assert.deepEqual(result.usage, {
      promptTokens: 41,
      completionTokens: 32,
      totalTokens: 73,
      cachedTokens: 0,
      reasoningTokens: 31,
    });
    assert.equal(result.cost.total, 0.00016695);
    assert.deepEqual(
      result.warnings.map((warning) => warning.code),
      ["max-tokens-low-for-thinking", "output-spent-on-reasoning"],
    );
    assert.deepEqual(result.warnings[1], {
      code: "output-spent-on-reasoning",
      message:
        'kimi-k2.6 spent all of max_tokens 32 on reasoning (31 reasoning tokens) and wrote no answer (finish_reason "length"). Raise maxTokens (at least 16000 for thinking models) and ask again.',
      model: "kimi-k2.6",
      maxTokens: 32,
      reasoningTokens: 31,
    });
  });
});

describe("recorded 2026 refusals (400/404)", () => {
  it("B10: 404 for an unknown model is a ModelNotFoundError naming it; not retried", async () => {
    const { kimi, server } = await replay([uses("B10-404-model-not-found.json")]);
    const error = await failure(
      kimi.chat({ model: "definitely-not-a-real-moonshot-model", messages: hello }),
    );
    assert.ok(error instanceof ModelNotFoundError);
    assert.equal(error.code, "model_not_found");
    assert.equal(error.status, 404);
    assert.equal(error.type, "resource_not_found_error");
    assert.equal(error.retryable, false);
    assert.equal(error.model, "definitely-not-a-real-moonshot-model");
    assert.equal(error.retiredOn, undefined);
    assert.equal(error.successor, undefined);
    assert.match(
      error.message,
      /Not found the model definitely-not-a-real-moonshot-model or Permission denied/,
    );
    assert.equal(server.requests.length, 1);
  });

  for (const [file, model, text] of [
    [
      "B11-400-k27-thinking-disabled.json",
      "kimi-k2.7-code",
      "invalid thinking: only type=enabled is allowed for this model",
    ],
    [
      "B12-400-required-with-thinking.json",
      "kimi-k2.6",
      "tool_choice 'required' is incompatible with thinking enabled",
    ],
    [
      "B13-400-temperature-0.6.json",
      "kimi-k2.6",
      "invalid temperature: only 0.6 is allowed for this model",
    ],
    [
      "B14-400-unsupported-image.json",
      "kimi-k2.6",
      "Invalid request: unsupported image format: text/plain; charset=utf-8",
    ],
    [
      "B15-400-mfjs.json",
      "kimi-k3",
      "Invalid request: response_format.json_schema is not a valid moonshot flavored json schema, details: <At path 'properties.pair.items': items must be an object>",
    ],
  ] as const) {
    it(`${file.slice(0, 3)}: 400 invalid_request_error is an InvalidRequestError quoting the service, not retried`, async () => {
      const { kimi, server } = await replay([uses(file)]);
      const error = await failure(kimi.chat({ model, messages: hello }));
      assert.equal(error.constructor, InvalidRequestError);
      assert.equal(error.code, "invalid_request");
      assert.equal(error.status, 400);
      assert.equal(error.type, "invalid_request_error");
      assert.equal(error.retryable, false);
      assert.equal(
        error.message,
        `Moonshot rejected the request as invalid (HTTP 400 invalid_request_error: ${text}). Fix the request; retrying it unchanged will not help.`,
      );
      assert.equal(server.requests.length, 1);
    });
  }
});

describe("recorded 2025 streams (retired models, usage in choices[0])", () => {
  it("C01: kimi-k2-0905-preview, usage only in the finish chunk's choice, system_fingerprint ignored", async () => {
    const { kimi, server } = await replay([uses("C01-k2-0905-stream-usage-in-choice.sse")]);
    const { result } = await streamAll(kimi, { model: "kimi-k2-0905-preview", messages: hello });
    // A retired id is still sent as given: some accounts keep access longer.
    assert.equal(sentBody(server).model, "kimi-k2-0905-preview");
    assert.equal(result.content, "I can:\n\nhelp you");
    assert.equal(result.reasoningContent, null);
    assert.deepEqual(result.usage, {
      promptTokens: 4796,
      completionTokens: 174,
      totalTokens: 4970,
      cachedTokens: 0,
      reasoningTokens: null,
    });
    // The seed's prices stay in the catalog: 4796 at 0.60 + 174 at 2.50.
    assert.equal(result.cost.total, 0.0033126);
  });

  it("D01: a stream of one finish chunk with cached_tokens at the top of choices[0].usage", async () => {
    const { kimi } = await replay([uses("D01-k2-turbo-final-chunk-cached.sse")]);
    const { events, result } = await streamAll(kimi, {
      model: "kimi-k2-turbo-preview",
      messages: hello,
    });
    assert.deepEqual(
      events.map((event) => event.type),
      ["finish"],
    );
    assert.equal(result.content, "");
    assert.equal(result.finishReason, "stop");
    assert.deepEqual(result.usage, {
      promptTokens: 8,
      completionTokens: 11,
      totalTokens: 19,
      cachedTokens: 8,
      reasoningTokens: null,
    });
    // 8 cached at 0.60 + 11 output at 10.00 (the seed's turbo prices).
    assert.equal(result.cost.total, 0.0001148);
  });

  it("E01: moonshot-v1-8k stream tail; moonshot-v1 has no cache price", async () => {
    const { kimi } = await replay([uses("E01-v1-8k-stream-tail.sse")]);
    const { result } = await streamAll(kimi, { model: "moonshot-v1-8k", messages: hello });
    assert.equal(result.content, "。");
    assert.deepEqual(result.usage, {
      promptTokens: 39,
      completionTokens: 211,
      totalTokens: 250,
      cachedTokens: 0,
      reasoningTokens: null,
    });
    assert.equal(result.cost.total, 0.0004298);
  });

  it("F01: the 2024 docs' stream with a cmpl- id", async () => {
    const { kimi } = await replay([uses("F01-v1-8k-stream-2024.sse")]);
    const { result } = await streamAll(kimi, { model: "moonshot-v1-8k", messages: hello });
    assert.equal(result.id, "cmpl-1305b94c570f447fbde3180560736287");
    assert.equal(result.content, "你好。");
    assert.deepEqual(result.usage, {
      promptTokens: 19,
      completionTokens: 13,
      totalTokens: 32,
      cachedTokens: 0,
      reasoningTokens: null,
    });
    assert.equal(result.cost.total, 0.0000298);
  });
});

describe("recorded file API answers", () => {
  it("G01: a 2024 upload (status ok)", async () => {
    const { kimi, server } = await replay([uses("G01-file-upload-2024.json")]);
    const file = await kimi.files.upload(new TextEncoder().encode("文件内容1\n\n文件内容2"), {
      filename: "我是一个文件.txt",
    });
    assert.equal(server.requests[0]?.method, "POST");
    assert.equal(server.requests[0]?.path, "/v1/files");
    assert.equal(file.id, "co3t989kqq4ua4e78urg");
    assert.equal(file.status, "ok");
    assert.equal(file.bytes, 5426);
    assert.equal(file.filename, "我是一个文件.txt");
    assert.equal(file.reference, undefined);
  });

  it("G11: a 2026 image upload (status ready, file_type) gets its ms:// reference", async () => {
    const { kimi } = await replay([uses("G11-file-upload-image-2026.json")]);
    const file = await kimi.files.upload(new Uint8Array([137, 80, 78, 71]), {
      purpose: "image",
      filename: "real.png",
    });
    assert.equal(file.id, "fac83g4rduhi11c1ey11");
    assert.equal(file.status, "ready");
    assert.equal(file.file_type, "image/png");
    assert.equal(file.reference, "ms://fac83g4rduhi11c1ey11");
  });

  it("G02 / G10: lists of 2024 and 2026 (first_id, last_id, has_more)", async () => {
    const { kimi } = await replay([
      uses("G02-file-list-2024.json"),
      uses("G10-file-list-empty-2026.json"),
    ]);
    const old = await kimi.files.list();
    assert.deepEqual(
      old.map((file) => [file.id, file.status, file.bytes]),
      [["co3t989kqq4ua4e78urg", "ok", 5426]],
    );
    assert.deepEqual(await kimi.files.list(), []);
  });

  it("G03: the content JSON document is parsed, and kept verbatim in raw", async () => {
    const { kimi, server } = await replay([uses("G03-file-content-2024.json")]);
    const content = await kimi.files.content("co3t989kqq4ua4e78urg");
    assert.equal(server.requests[0]?.path, "/v1/files/co3t989kqq4ua4e78urg/content");
    assert.deepEqual(content, {
      content: "文件内容1\n\n文件内容2",
      filename: "我是一个文件.txt",
      fileType: "text/plain",
      title: "",
      type: "file",
      format: "json",
      raw: loadCapture("G03-file-content-2024.json").bytes.toString("utf8"),
    });
  });

  it("G04 / G12: deletes of 2024 and 2026", async () => {
    const { kimi } = await replay([
      uses("G04-file-delete-2024.json"),
      uses("G12-file-delete-2026.json"),
    ]);
    assert.deepEqual(await kimi.files.delete("co3t989kqq4ua4e78urg"), {
      deleted: true,
      id: "co3t989kqq4ua4e78urg",
      object: "file",
    });
    assert.deepEqual(await kimi.files.delete("fac83ykrduhi11c1fy61"), {
      deleted: true,
      id: "fac83ykrduhi11c1fy61",
      object: "file",
    });
  });

  it("G13: the 2026 invalid-purpose 400 is an InvalidRequestError with the six purposes", async () => {
    const { kimi, server } = await replay([uses("G13-400-invalid-purpose-2026.json")]);
    const error = await failure(
      kimi.files.upload(new TextEncoder().encode("x"), { filename: "a.txt" }),
    );
    assert.ok(error instanceof InvalidRequestError);
    assert.equal(error.code, "invalid_request");
    assert.equal(error.status, 400);
    assert.equal(error.type, "invalid_request_error");
    assert.match(
      error.message,
      /Invalid purpose: vision, only `file-extract`, `batch`, `batch_output`, `lambda`, `image` and `video` accepted/,
    );
    assert.equal(server.requests.length, 1);
  });
});

describe("recorded errors: class, code, and whether and when to retry", () => {
  it("H01: 401 is an AuthenticationError, not retried", async () => {
    const { kimi, server } = await replay([uses("H01-401-invalid-authentication.json")]);
    const error = await failure(kimi.chat({ model: "kimi-k2.6", messages: hello }));
    assert.ok(error instanceof AuthenticationError);
    assert.equal(error.code, "authentication_failed");
    assert.equal(error.status, 401);
    assert.equal(error.type, "invalid_authentication_error");
    assert.equal(error.retryable, false);
    assert.match(
      error.message,
      /\(HTTP 401 invalid_authentication_error: Invalid Authentication\)/,
    );
    assert.equal(server.requests.length, 1);
  });

  it("H02: the token-limit 400 is a ContextOverflowError with the numbers", async () => {
    const { kimi } = await replay([uses("H02-400-token-limit.json")]);
    const error = await failure(kimi.chat({ model: "kimi-k2.6", messages: hello }));
    assert.ok(error instanceof ContextOverflowError);
    assert.equal(error.code, "context_overflow");
    assert.equal(error.limit, 262144);
    assert.equal(error.requested, 269030);
    assert.equal(error.overflow, 6886);
    assert.equal(error.retryable, false);
  });

  for (const [file, status] of [
    ["H03-429-suspended-insufficient-balance.json", 429],
    ["H04-403-not-active-quota-2025.json", 403],
  ] as const) {
    it(`${file.slice(0, 3)}: ${status} quota is a QuotaExceededError, never retried`, async () => {
      const { kimi, server } = await replay([uses(file)]);
      const error = await failure(kimi.chat({ model: "kimi-k2.6", messages: hello }));
      assert.ok(error instanceof QuotaExceededError);
      assert.equal(error.code, "quota_exceeded");
      assert.equal(error.status, status);
      assert.equal(error.type, "exceeded_current_quota_error");
      assert.equal(error.retryable, false);
      // The \u003c / \u003e escapes arrive decoded.
      assert.match(error.message, /Your account org-[^ ]+ ?<ak-/);
      assert.equal(server.requests.length, 1, "a quota error is not retried");
    });
  }

  for (const [file, waitMs] of [
    ["H05-429-project-tpm-2025.json", undefined],
    ["H06-429-concurrency-2025.json", 1000],
    ["H07-429-org-rate-limit-exceeded-2025.json", 1000],
  ] as const) {
    it(`${file.slice(0, 3)}: rate limit, retryable, wait ${waitMs ?? "none"} from the message`, async () => {
      const { kimi, server } = await replay([uses(file)], { maxRetries: 0 });
      const error = await failure(kimi.chat({ model: "kimi-k2.6", messages: hello }));
      assert.ok(error instanceof RateLimitError);
      assert.equal(error.code, "rate_limited");
      assert.equal(error.status, 429);
      assert.equal(error.type, "rate_limit_reached_error");
      assert.equal(error.retryable, true);
      assert.equal(error.retryAfterMs, waitMs);
      if (waitMs !== undefined) {
        // The wait the service asked for is the one the retry loop uses.
        assert.equal(retryDelayMs(1, error, DEFAULT_RETRY_POLICY), waitMs);
      }
      assert.equal(server.requests.length, 1);
    });
  }

  it("I01: the 2026 overload 429 (no wait, no Retry-After) is a retryable OverloadedError with the Msh-Request-Id", async () => {
    const { kimi } = await replay([uses("I01-429-overloaded-headers-2026-03.json")], {
      maxRetries: 0,
    });
    const error = await failure(kimi.chat({ model: "kimi-k2.6", messages: hello }));
    assert.ok(error instanceof OverloadedError);
    assert.equal(error.code, "overloaded");
    assert.equal(error.status, 429);
    assert.equal(error.type, "engine_overloaded_error");
    assert.equal(error.retryable, true);
    assert.equal(error.retryAfterMs, undefined);
    assert.equal(error.requestId, "2b1ff8fa-2202-11f1-b57e-00163e3c375f");
    assert.equal(
      error.message,
      "Moonshot is overloaded (HTTP 429 engine_overloaded_error: The engine is currently overloaded, please try again later). Retry later.",
    );
  });

  it("I02: 2024 headers with an empty object body: the request id is read; as a chat answer it is malformed", async () => {
    const { kimi } = await replay([uses("I02-200-headers-2024.json")]);
    const response = await kimi.http.jsonResponse<unknown>({ method: "GET", path: "/models" });
    assert.deepEqual(response.data, {});
    assert.equal(responseRequestId(response.headers), "c07c118e-4dae-11ef-b423-62db244b9277");
    const error = await failure(kimi.chat({ model: "kimi-k2.6", messages: hello }));
    assert.ok(error instanceof MalformedResponseError);
    assert.equal(error.code, "malformed_response");
  });
});

describe("recorded token estimate", () => {
  it("J01: the code/data/scode/status envelope gives the service's count", async () => {
    const { kimi, server } = await replay([uses("J01-estimate-envelope-2024.json")]);
    const count = await kimi.tokens.count({ model: "kimi-k2.6", messages: hello });
    assert.deepEqual(count, { tokens: 2773, source: "service" });
    assert.equal(server.requests[0]?.path, "/v1/tokenizers/estimate-token-count");
    assert.deepEqual(sentBody(server), { model: "kimi-k2.6", messages: hello });
  });
});

describe("the capture set", () => {
  it("every capture in test/fixtures/captures has a .source line and is replayed above", () => {
    const files = readdirSync(CAPTURES_DIR).filter(
      (name) => name.endsWith(".json") || name.endsWith(".sse"),
    );
    assert.equal(files.length, 33);
    for (const file of files) {
      const capture = loadCapture(file);
      assert.ok(capture.status >= 200, `${file}: status`);
      assert.notEqual(capture.source, "", `${file}: source`);
      assert.notEqual(capture.trust, "", `${file}: trust`);
    }
    assert.deepEqual([...REPLAYED].sort(), files.sort());
  });
});
