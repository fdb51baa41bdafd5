import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createKimi, type KimiOptions } from "../../src/client.ts";
import {
  AbortError,
  AuthenticationError,
  ContentFilterError,
  ContextOverflowError,
  InvalidRequestError,
  ModelNotFoundError,
  NetworkError,
  OverloadedError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from "../../src/errors/error-classes.ts";
import { retryAfterFromMessage } from "../../src/errors/error-mapping.ts";
import { KimiError } from "../../src/errors/kimi-error.ts";
import type { DebugEvent, RetryEvent } from "../../src/http/transport.ts";
import {
  errorBody,
  type ScriptedResponse,
  type ScriptedServer,
  startScriptedServer,
} from "./helpers/scripted-server.ts";

const KEY = "sk-test0123456789abcdefSECRET";
const servers: ScriptedServer[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function serve(script: ScriptedResponse[]): Promise<ScriptedServer> {
  const server = await startScriptedServer(script);
  servers.push(server);
  return server;
}

function kimiFor(server: ScriptedServer, options: KimiOptions = {}) {
  return createKimi({
    apiKey: KEY,
    baseURL: server.baseURL,
    env: {},
    retry: { baseDelayMs: 1, maxDelayMs: 200 },
    ...options,
  });
}

const ask = { model: "kimi-k2-0905-preview", messages: [{ role: "user" as const, content: "Hi" }] };
const ok: ScriptedResponse = {
  body: JSON.stringify({
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1,
    model: "kimi-k2-0905-preview",
    choices: [
      { index: 0, message: { role: "assistant", content: "Hello" }, finish_reason: "stop" },
    ],
    usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
  }),
};

describe("error mapping over HTTP", () => {
  it("401: AuthenticationError, not retried, key absent from the message and the debug dump", async () => {
    const server = await serve([
      {
        status: 401,
        body: errorBody("incorrect_api_key_error", `Incorrect API key provided: ${KEY}`),
      },
    ]);
    const events: DebugEvent[] = [];
    const kimi = kimiFor(server, { debug: (event) => events.push(event) });
    const error = await kimi.chat(ask).catch((e: unknown) => e);
    assert.ok(error instanceof AuthenticationError);
    assert.equal(error.code, "authentication_failed");
    assert.equal(error.status, 401);
    assert.equal(error.type, "incorrect_api_key_error");
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0]?.headers.authorization, `Bearer ${KEY}`);
    const dump = JSON.stringify({
      error: error.toJSON(),
      message: error.message,
      stack: error.stack,
      events,
    });
    assert.ok(!dump.includes(KEY), "the key leaked");
    assert.ok(!dump.includes("0123456789abcdef"), "part of the key leaked");
    assert.match(error.message, /KIMI_API_KEY/);
    assert.equal(events.filter((e) => e.type === "request").length, 1);
  });

  const cases: [string, ScriptedResponse, new (...args: never[]) => Error, string][] = [
    [
      "403",
      {
        status: 403,
        body: errorBody("permission_denied_error", "The API you are accessing is not open"),
      },
      PermissionDeniedError,
      "permission_denied",
    ],
    [
      "404 model",
      {
        status: 404,
        body: errorBody(
          "resource_not_found_error",
          "Not found the model kimi-nope or Permission denied",
        ),
      },
      ModelNotFoundError,
      "model_not_found",
    ],
    [
      "400 invalid",
      {
        status: 400,
        body: errorBody("invalid_request_error", "Invalid request: content must not be empty"),
      },
      InvalidRequestError,
      "invalid_request",
    ],
    [
      "400 content_filter",
      {
        status: 400,
        body: errorBody(
          "content_filter",
          "The request was rejected because it was considered high risk",
        ),
      },
      ContentFilterError,
      "content_filter",
    ],
    [
      "429 quota",
      {
        status: 429,
        body: errorBody(
          "exceeded_current_quota_error",
          "Your account is suspended due to insufficient balance, please recharge your account or check your plan and billing details",
        ),
      },
      QuotaExceededError,
      "quota_exceeded",
    ],
    [
      "403 quota (2025)",
      {
        status: 403,
        body: errorBody(
          "exceeded_current_quota_error",
          "Your account org-1<ak-1> is not active, organization <org-1> exceeded current quota, please check your plan and billing details",
        ),
      },
      QuotaExceededError,
      "quota_exceeded",
    ],
  ];
  for (const [name, response, Class, code] of cases) {
    it(`${name}: ${Class.name} (${code}), never retried`, async () => {
      const server = await serve([response, ok]);
      const retries: RetryEvent[] = [];
      const error = await kimiFor(server, { onRetry: (e) => retries.push(e) })
        .chat(ask)
        .catch((e: unknown) => e);
      assert.ok(error instanceof Class, `got ${String(error)}`);
      assert.ok(error instanceof KimiError);
      assert.equal(error.code, code);
      assert.equal(error.retryable, false);
      assert.equal(server.requests.length, 1);
      assert.equal(retries.length, 0);
    });
  }

  it("404 model names the model", async () => {
    const server = await serve([
      {
        status: 404,
        body: errorBody(
          "resource_not_found_error",
          "Not found the model kimi-nope or Permission denied",
        ),
      },
    ]);
    const error = await kimiFor(server)
      .chat({ ...ask, model: "kimi-nope" })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ModelNotFoundError);
    assert.equal(error.model, "kimi-nope");
  });

  it("400 context overflow: ContextOverflowError with the parsed limit and overflow", async () => {
    const server = await serve([
      {
        status: 400,
        body: errorBody(
          "invalid_request_error",
          "Invalid request: Your request exceeded model token limit: 262144 (requested: 269030)",
        ),
      },
    ]);
    const error = await kimiFor(server)
      .chat(ask)
      .catch((e: unknown) => e);
    assert.ok(error instanceof ContextOverflowError);
    assert.equal(error.code, "context_overflow");
    assert.equal(error.limit, 262144);
    assert.equal(error.requested, 269030);
    assert.equal(error.overflow, 6886);
    assert.match(error.message, /by 6886 tokens/);
  });
});

describe("retries", () => {
  it("429 rate limit: wait parsed from the message, honoured, then success", async () => {
    const server = await serve([
      {
        status: 429,
        body: errorBody(
          "rate_limit_reached_error",
          "Your account org-1<ak-1> request reached organization max RPM: 3, please try again after 0.05 seconds",
        ),
      },
      ok,
    ]);
    const retries: RetryEvent[] = [];
    const result = await kimiFor(server, { onRetry: (e) => retries.push(e) }).chat(ask);
    assert.equal(result.content, "Hello");
    assert.equal(server.requests.length, 2);
    assert.equal(retries.length, 1);
    assert.equal(retries[0]?.delayMs, 50);
    assert.ok(retries[0]?.error instanceof RateLimitError);
    const retried = retries[0]?.error;
    assert.ok(retried instanceof RateLimitError);
    assert.equal(retried.retryAfterMs, 50);
  });

  it("parses Moonshot's integer wait in seconds", () => {
    assert.equal(
      retryAfterFromMessage(
        "request reached organization max RPM: 3, please try again after 1 seconds",
      ),
      1000,
    );
    assert.equal(
      retryAfterFromMessage("request reached organization TPM rate limit, current:1, limit:2"),
      undefined,
    );
  });

  it("Retry-After header honoured on a 503", async () => {
    const server = await serve([
      {
        status: 503,
        headers: { "retry-after": "0.04" },
        body: errorBody("server_unavailable", "busy"),
      },
      ok,
    ]);
    const retries: RetryEvent[] = [];
    const result = await kimiFor(server, { onRetry: (e) => retries.push(e) }).chat(ask);
    assert.equal(result.content, "Hello");
    assert.equal(retries[0]?.delayMs, 40);
    assert.ok(retries[0]?.error instanceof ServerError);
  });

  it("Retry-After header honoured on a 429 without a wait in the message", async () => {
    const server = await serve([
      {
        status: 429,
        headers: { "retry-after": "0.03" },
        body: errorBody(
          "rate_limit_reached_error",
          "request reached organization TPM rate limit, current:10, limit:5",
        ),
      },
      ok,
    ]);
    const retries: RetryEvent[] = [];
    await kimiFor(server, { onRetry: (e) => retries.push(e) }).chat(ask);
    assert.equal(retries[0]?.delayMs, 30);
  });

  it("429 overloaded is retried; after maxRetries the typed error is thrown", async () => {
    const server = await serve([
      {
        status: 429,
        body: errorBody(
          "engine_overloaded_error",
          "The engine is currently overloaded, please try again later",
        ),
      },
    ]);
    const retries: RetryEvent[] = [];
    const error = await kimiFor(server, { maxRetries: 3, onRetry: (e) => retries.push(e) })
      .chat(ask)
      .catch((e: unknown) => e);
    assert.ok(error instanceof OverloadedError);
    assert.equal(error.code, "overloaded");
    assert.equal(server.requests.length, 4);
    assert.deepEqual(
      retries.map((r) => r.attempt),
      [1, 2, 3],
    );
  });

  it("500 is retried the default 2 times, then ServerError", async () => {
    const server = await serve([
      { status: 500, body: errorBody("server_error", "Internal server error") },
    ]);
    const error = await kimiFor(server)
      .chat(ask)
      .catch((e: unknown) => e);
    assert.ok(error instanceof ServerError);
    assert.equal(error.status, 500);
    assert.equal(server.requests.length, 3);
  });

  it("per-request maxRetries 0 disables retries", async () => {
    const server = await serve([
      { status: 500, body: errorBody("server_error", "Internal server error") },
    ]);
    await assert.rejects(kimiFor(server).chat(ask, { maxRetries: 0 }), ServerError);
    assert.equal(server.requests.length, 1);
  });

  it("connection refused: NetworkError after retries", async () => {
    const server = await startScriptedServer([ok]);
    const baseURL = server.baseURL;
    await server.close();
    const retries: RetryEvent[] = [];
    const kimi = createKimi({
      apiKey: KEY,
      baseURL,
      env: {},
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
      onRetry: (e) => retries.push(e),
    });
    const error = await kimi.chat(ask).catch((e: unknown) => e);
    assert.ok(error instanceof NetworkError, String(error));
    assert.equal(error.code, "network_error");
    assert.equal(retries.length, 2);
    assert.ok(!error.message.includes(KEY));
  });

  it("timeout: TimeoutError, not retried", async () => {
    const server = await serve([{ silent: true }]);
    const error = await kimiFor(server)
      .chat(ask, { timeoutMs: 150 })
      .catch((e: unknown) => e);
    assert.ok(error instanceof TimeoutError, String(error));
    assert.equal(error.timeoutMs, 150);
    assert.equal(server.requests.length, 1);
  });

  it("abort: AbortError, not retried, connection closed", async () => {
    const server = await serve([{ silent: true }]);
    const controller = new AbortController();
    const pending = kimiFor(server).chat(ask, { signal: controller.signal });
    const waitForRequest = async () => {
      while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    };
    await waitForRequest();
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    assert.ok(error instanceof AbortError, String(error));
    assert.equal(error.code, "aborted");
    await server.closed(0);
    assert.equal(server.requests.length, 1);
  });
});
