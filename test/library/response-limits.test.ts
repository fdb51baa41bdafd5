/**
 * Response size limits: a body above `maxResponseBytes` (declared or streamed), an SSE event or
 * line above `maxStreamEventBytes`, and a stream whose text grows past `maxResponseBytes` are a
 * ResponseTooLargeError, never retried, with the connection dropped. Small limits are configured
 * so that no test allocates more than a few MiB.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createKimi, type KimiOptions } from "../../src/client.ts";
import { ConfigurationError, ResponseTooLargeError } from "../../src/errors/error-classes.ts";
import {
  chunk,
  type ScriptedResponse,
  type ScriptedServer,
  startScriptedServer,
} from "./helpers/scripted-server.ts";

const KEY = "sk-limits-test-key-000000";
const servers: ScriptedServer[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function serve(script: ScriptedResponse[]): Promise<ScriptedServer> {
  const server = await startScriptedServer(script);
  servers.push(server);
  return server;
}

function client(server: ScriptedServer, extra: KimiOptions = {}) {
  return createKimi({
    apiKey: KEY,
    baseURL: server.baseURL,
    env: {},
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...extra,
  });
}

const ask = {
  model: "kimi-k2.6",
  thinking: false,
  messages: [{ role: "user" as const, content: "Hi" }],
};

/** `count` pieces of 64 KiB of JSON-ish text: a body that never ends by itself. */
function bigChunks(count: number): string[] {
  const piece = "x".repeat(64 * 1024);
  return [
    '{"id":"chatcmpl-big","choices":[{"index":0,"message":{"content":"',
    ...Array(count).fill(piece),
  ];
}

function assertTooLarge(error: unknown, setting: string, limit: number): true {
  assert.ok(error instanceof ResponseTooLargeError, String(error));
  assert.equal(error.code, "response_too_large");
  assert.equal(error.retryable, false);
  assert.equal(error.setting, setting);
  assert.equal(error.limitBytes, limit);
  return true;
}

describe("response body limit (maxResponseBytes)", () => {
  for (const sender of ["node:http", "fetch"] as const) {
    const extra: KimiOptions = sender === "fetch" ? { fetch: globalThis.fetch } : {};

    it(`${sender}: a body streamed past the limit is refused and its connection dropped`, {
      timeout: 10_000,
    }, async () => {
      // 1.3 MB offered, 100 KB accepted; the server never ends the body on its own.
      const server = await serve([{ status: 200, chunks: bigChunks(20), hang: true }]);
      const kimi = client(server, { ...extra, maxResponseBytes: 100_000 });
      await assert.rejects(kimi.chat(ask), (error) =>
        assertTooLarge(error, "maxResponseBytes", 100_000),
      );
      await server.closed(0); // resolves only once the client dropped the connection
      assert.equal(server.requests.length, 1, "not retried");
    });

    it(`${sender}: a Content-Length above the limit is refused before the body is read`, {
      timeout: 10_000,
    }, async () => {
      const server = await serve([
        { status: 200, headers: { "content-length": "5000000" }, body: "{", hang: true },
      ]);
      const kimi = client(server, { ...extra, maxResponseBytes: 4096 });
      await assert.rejects(kimi.chat(ask), (error) => {
        assertTooLarge(error, "maxResponseBytes", 4096);
        assert.match((error as Error).message, /5000000 bytes/);
        return true;
      });
      await server.closed(0);
      assert.equal(server.requests.length, 1);
    });
  }

  it("an error body past the limit is refused too (and a 500 is not retried for it)", {
    timeout: 10_000,
  }, async () => {
    const server = await serve([{ status: 500, chunks: bigChunks(4), hang: true }]);
    const kimi = client(server, { maxResponseBytes: 10_000 });
    await assert.rejects(kimi.chat(ask), (error) => {
      assertTooLarge(error, "maxResponseBytes", 10_000);
      assert.equal((error as ResponseTooLargeError).status, 500);
      return true;
    });
    await server.closed(0);
    assert.equal(server.requests.length, 1);
  });

  it("files.content is held to the same limit", { timeout: 10_000 }, async () => {
    const server = await serve([{ status: 200, chunks: bigChunks(4), hang: true }]);
    const kimi = client(server, { maxResponseBytes: 50_000 });
    await assert.rejects(kimi.files.content("file-1"), (error) =>
      assertTooLarge(error, "maxResponseBytes", 50_000),
    );
    await server.closed(0);
  });

  it("KIMI_MAX_RESPONSE_BYTES sets the limit; a bad value is a ConfigurationError", async () => {
    const server = await serve([{ status: 200, chunks: bigChunks(4), hang: true }]);
    const kimi = createKimi({
      env: { KIMI_API_KEY: KEY, KIMI_BASE_URL: server.baseURL, KIMI_MAX_RESPONSE_BYTES: "2048" },
    });
    assert.equal(kimi.config.maxResponseBytes, 2048);
    await assert.rejects(kimi.chat(ask), (error) =>
      assertTooLarge(error, "maxResponseBytes", 2048),
    );
    for (const bad of ["0", "-1", "1.5", "lots"]) {
      assert.throws(
        () => createKimi({ env: { KIMI_MAX_RESPONSE_BYTES: bad } }),
        (error: unknown) =>
          error instanceof ConfigurationError && error.setting === "KIMI_MAX_RESPONSE_BYTES",
      );
    }
    assert.equal(createKimi({ env: {} }).config.maxResponseBytes, 64 * 1024 * 1024);
    assert.equal(createKimi({ env: {} }).config.maxStreamEventBytes, 8 * 1024 * 1024);
  });
});

const head = chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]);

describe("stream limits", () => {
  for (const sender of ["node:http", "fetch"] as const) {
    const extra: KimiOptions = sender === "fetch" ? { fetch: globalThis.fetch } : {};

    it(`${sender}: one SSE line that never ends is refused past maxStreamEventBytes`, {
      timeout: 10_000,
    }, async () => {
      const endless = [
        'data: {"choices":[{"index":0,"delta":{"content":"',
        ...Array(8).fill("y".repeat(8192)),
      ];
      const server = await serve([{ chunks: [head, ...endless], hang: true }]);
      const kimi = client(server, { ...extra, maxStreamEventBytes: 16_384 });
      await assert.rejects(kimi.stream(ask).result, (error) =>
        assertTooLarge(error, "maxStreamEventBytes", 16_384),
      );
      await server.closed(0);
      assert.equal(server.requests.length, 1);
    });
  }

  it("many data lines with no blank line between them count as one event", {
    timeout: 10_000,
  }, async () => {
    const line = `data: ${"z".repeat(1000)}\n`;
    const server = await serve([{ chunks: [head, ...Array(40).fill(line)], hang: true }]);
    const kimi = client(server, { maxStreamEventBytes: 20_000 });
    await assert.rejects(kimi.stream(ask).result, (error) =>
      assertTooLarge(error, "maxStreamEventBytes", 20_000),
    );
    await server.closed(0);
  });

  it("events within the limit pass, however many of them", { timeout: 10_000 }, async () => {
    const deltas = Array.from({ length: 50 }, () =>
      chunk([{ index: 0, delta: { content: "w".repeat(500) }, finish_reason: null }]),
    );
    const server = await serve([
      {
        chunks: [
          head,
          ...deltas,
          chunk([{ index: 0, delta: {}, finish_reason: "stop" }]),
          "data: [DONE]\n\n",
        ],
      },
    ]);
    const kimi = client(server, { maxStreamEventBytes: 2048 });
    const result = await kimi.stream(ask).result;
    assert.equal(result.content, "w".repeat(25_000));
  });

  it("a stream whose text grows past maxResponseBytes is stopped", {
    timeout: 10_000,
  }, async () => {
    const deltas = Array.from({ length: 40 }, () =>
      chunk([{ index: 0, delta: { content: "v".repeat(100) }, finish_reason: null }]),
    );
    const server = await serve([{ chunks: [head, ...deltas], hang: true }]);
    const kimi = client(server, { maxResponseBytes: 1000 });
    await assert.rejects(kimi.stream(ask).result, (error) =>
      assertTooLarge(error, "maxResponseBytes", 1000),
    );
    await server.closed(0);
  });
});
