/**
 * API calls never follow redirects. An upload answered with 307/308 must not be re-posted to the
 * other host, and one answered with 301/302 must not take the other host's 200 as a success: each
 * is a RedirectError telling the user to set KIMI_BASE_URL to the final URL. A second loopback
 * server stands for the redirect's target and records whether anything reached it.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createKimi, type KimiOptions } from "../../src/client.ts";
import { RedirectError } from "../../src/errors/error-classes.ts";
import { type ScriptedServer, startScriptedServer } from "./helpers/scripted-server.ts";

const KEY = "sk-redirect-test-key-0000";
let target: ScriptedServer;
let stateDir: string;
const servers: ScriptedServer[] = [];

before(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "kimi-redirect-"));
  // Answers everything with a success: a file object for uploads, a completion for chats.
  target = await startScriptedServer((request) => ({
    body: request.path.endsWith("/files")
      ? JSON.stringify({
          id: "file-elsewhere",
          object: "file",
          bytes: 5,
          created_at: 1,
          filename: "a.txt",
          purpose: "file-extract",
          status: "ok",
        })
      : JSON.stringify({
          id: "chatcmpl-elsewhere",
          object: "chat.completion",
          created: 1,
          model: "kimi-k2.6",
          choices: [
            { index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" },
          ],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
  }));
  servers.push(target);
});
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await rm(stateDir, { recursive: true, force: true });
});

async function redirecting(status: number): Promise<ScriptedServer> {
  const server = await startScriptedServer((request) => ({
    status,
    headers: { location: `${target.baseURL}${request.path.replace(/^\/v1/, "")}` },
    body: "",
  }));
  servers.push(server);
  return server;
}

function client(server: ScriptedServer, extra: KimiOptions = {}) {
  return createKimi({ apiKey: KEY, baseURL: server.baseURL, env: {}, stateDir, ...extra });
}

function assertRedirect(error: unknown, status: number | undefined): true {
  assert.ok(error instanceof RedirectError, String(error));
  assert.equal(error.code, "unexpected_redirect");
  assert.equal(error.retryable, false);
  assert.equal(error.status, status);
  assert.equal(
    error.location,
    `${target.baseURL}/${error.location?.endsWith("/files") ? "files" : "chat/completions"}`,
  );
  assert.match(error.message, /KIMI_BASE_URL/);
  assert.equal(error.message.includes(KEY), false);
  return true;
}

describe("redirects are never followed", () => {
  for (const status of [301, 302, 307, 308]) {
    it(`an upload answered with ${status} is not sent to the target, nor taken as a success`, async () => {
      const before = target.requests.length;
      const server = await redirecting(status);
      const kimi = client(server);
      const error = await kimi.files
        .upload(new TextEncoder().encode("hello"), { filename: "a.txt" })
        .catch((e: unknown) => e);
      assertRedirect(error, status);
      assert.equal(server.requests.length, 1, "sent once, not retried");
      assert.equal(target.requests.length, before, "nothing reached the redirect's target");
      // The service answered and stored nothing: no pending registry entry is left behind.
      assert.deepEqual(await kimi.files.registry.read(), []);
    });

    it(`a chat answered with ${status} is a RedirectError (node:http and fetch)`, async () => {
      const before = target.requests.length;
      const server = await redirecting(status);
      for (const extra of [{}, { fetch: globalThis.fetch }]) {
        const error = await client(server, extra)
          .chat({
            model: "kimi-k2.6",
            thinking: false,
            messages: [{ role: "user", content: "Hi" }],
          })
          .catch((e: unknown) => e);
        assertRedirect(error, status);
      }
      assert.equal(target.requests.length, before);
    });
  }

  it("a custom fetch that follows the redirect anyway does not turn the target's 200 into a success", async () => {
    const server = await redirecting(302);
    const following: typeof fetch = (input, init) => fetch(input, { ...init, redirect: "follow" });
    const error = await client(server, { fetch: following })
      .chat({ model: "kimi-k2.6", thinking: false, messages: [{ role: "user", content: "Hi" }] })
      .catch((e: unknown) => e);
    assert.ok(error instanceof RedirectError, String(error));
    assert.equal(error.code, "unexpected_redirect");
    assert.match(error.message, /redirect: "manual"/);
  });
});
