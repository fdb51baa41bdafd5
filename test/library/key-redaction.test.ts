/**
 * A server that echoes the `Authorization` header back (into error bodies, malformed bodies,
 * stream events, file content) must not get the key into any string an error carries: message,
 * stack, own fields, JSON, `util.inspect`, and the whole `cause` chain. Short keys too.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { inspect } from "node:util";
import { createKimi, type Kimi } from "../../src/client.ts";
import { KimiError } from "../../src/errors/kimi-error.ts";
import {
  chunk,
  type ReceivedRequest,
  type ScriptedResponse,
  type ScriptedServer,
  sse,
  startScriptedServer,
} from "./helpers/scripted-server.ts";

const servers: ScriptedServer[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

const ask = {
  model: "kimi-k2.6",
  thinking: false,
  messages: [{ role: "user" as const, content: "Hi" }],
};

/** The token of the request's `Authorization: Bearer <token>` header. */
function token(request: ReceivedRequest): string {
  return String(request.headers.authorization ?? "").replace(/^Bearer /, "");
}

const head = chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]);

/** Hostile answers, each echoing the key somewhere a message or cause could pick it up. */
const ECHOES: Record<string, (key: string) => ScriptedResponse> = {
  "non-JSON 200 body (parser cause quotes it)": (key) => ({ body: `oops ${key} oops` }),
  "400 error envelope": (key) => ({
    status: 400,
    body: JSON.stringify({ error: { type: "invalid_request_error", message: `bad key ${key}` } }),
  }),
  "500 HTML page": (key) => ({
    status: 500,
    body: `<html><body>upstream saw ${key}</body></html>`,
  }),
  "choice index echoed": (key) => ({
    body: JSON.stringify({ id: "c", choices: [{ index: key, message: { content: "x" } }] }),
  }),
};

const STREAM_ECHOES: Record<string, (key: string) => ScriptedResponse> = {
  "malformed data line": (key) => ({ chunks: [head, `data: {"echo":"${key}"\n\n`] }),
  "error data event": (key) => ({
    chunks: [
      head,
      sse({ error: { type: "invalid_request_error", message: `key ${key} refused` } }),
    ],
  }),
  "cut stream whose text holds the key": (key) => ({
    chunks: [head, chunk([{ index: 0, delta: { content: `your key is ${key}` } }])],
    cut: true,
  }),
  "index echoed in a chunk": (key) => ({
    chunks: [head, sse({ id: "c", choices: [{ index: key, delta: { content: "x" } }] })],
  }),
};

const FILE_ECHOES: Record<string, (key: string) => ScriptedResponse> = {
  // A 200 body is extracted text (plain or JSON, both accepted), never an error: the echoes that
  // reach an error are those of error statuses.
  "files.content error body that is not JSON": (key) => ({
    status: 502,
    body: `bad gateway ${key}`,
  }),
  "files.content error envelope echoing the key": (key) => ({
    status: 404,
    body: JSON.stringify({
      error: { message: `No file for ${key}`, type: "resource_not_found_error" },
    }),
  }),
};

/** Every string reachable from the error: what a log or a crash report could show. */
function renderings(error: unknown): string[] {
  const out = [String(error), inspect(error, { depth: 10 }), JSON.stringify(error)];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    if (current instanceof Error) {
      out.push(current.message, String(current.stack));
      out.push(JSON.stringify(Object.fromEntries(Object.entries(current))));
      current = current.cause;
    } else {
      out.push(typeof current === "string" ? current : JSON.stringify(current));
      break;
    }
  }
  return out;
}

function assertKeyAbsent(error: unknown, key: string): void {
  assert.ok(error instanceof KimiError, `expected a KimiError, got ${String(error)}`);
  for (const text of renderings(error)) {
    assert.equal(text.includes(key), false, `the key leaked in: ${text.slice(0, 300)}`);
  }
}

async function scripted(
  make: (key: string) => ScriptedResponse,
  key: string,
  extra: { fetch?: typeof fetch } = {},
): Promise<Kimi> {
  const server = await startScriptedServer((request) => make(token(request)));
  servers.push(server);
  return createKimi({ apiKey: key, baseURL: server.baseURL, env: {}, maxRetries: 0, ...extra });
}

// A Moonshot-shaped key, and short ones that no key-shaped pattern would catch.
for (const key of ["sk-echo0123456789abcdefghijklmnop", "k3y", "Zq9x2"]) {
  describe(`a server echoing the key (${key.length} characters)`, () => {
    for (const [name, make] of Object.entries(ECHOES)) {
      it(`chat: ${name}`, async () => {
        const kimi = await scripted(make, key);
        const error = await kimi.chat(ask).catch((e: unknown) => e);
        assertKeyAbsent(error, key);
      });
      it(`chat via fetch: ${name}`, async () => {
        const kimi = await scripted(make, key, { fetch: globalThis.fetch });
        const error = await kimi.chat(ask).catch((e: unknown) => e);
        assertKeyAbsent(error, key);
      });
    }
    for (const [name, make] of Object.entries(STREAM_ECHOES)) {
      it(`stream: ${name}`, async () => {
        const kimi = await scripted(make, key);
        const error = await kimi.stream(ask).result.catch((e: unknown) => e);
        assertKeyAbsent(error, key);
      });
    }
    for (const [name, make] of Object.entries(FILE_ECHOES)) {
      it(name, async () => {
        const kimi = await scripted(make, key);
        const error = await kimi.files.content("file-1").catch((e: unknown) => e);
        assertKeyAbsent(error, key);
      });
    }
  });
}
