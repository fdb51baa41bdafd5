/**
 * Two gateway processes (the built CLI) on one PostgreSQL server behave as one: a tool loop
 * alternating between them gets its reasoning back, a key's budget and RPM are spent across
 * both, the ledger adds up; keys are checked (missing, revoked); and killing an instance
 * mid-stream leaves the client with a truncated stream and the ledger without a row.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { runCli } from "../cli/run-cli.ts";
import {
  type GatewayProcess,
  post,
  type SharedPostgres,
  spawnGateway,
  startSharedPostgres,
  tempDir,
} from "./helpers.ts";

let emulator: RunningEmulator;
let postgres: SharedPostgres;
let first: GatewayProcess;
let second: GatewayProcess;
const state = tempDir();
const hello = [{ role: "user", content: "Say hello." }];
let env: Record<string, string>;

async function createKey(name: string, ...flags: string[]): Promise<{ key: string; id: string }> {
  const run = await runCli(["gateway", "keys", "create", name, "--json", ...flags], { env });
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as { key: string; id: string };
}

function auth(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

before(async () => {
  emulator = await startEmulator();
  postgres = await startSharedPostgres();
  env = {
    KIMI_API_KEY: "sk-upstream-secret",
    KIMI_BASE_URL: emulator.baseURL,
    KIMI_GATEWAY_DATABASE_URL: postgres.url,
    KIMI_STATE_DIR: state.path,
  };
  // A key exists before the instances start, so both require keys from the first request on.
  await createKey("first key");
  [first, second] = await Promise.all([spawnGateway(env), spawnGateway(env)]);
});

after(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
  await postgres.close();
  await emulator.close();
  state.cleanup();
});

describe("two instances on one database", () => {
  it("both say keys are required", () => {
    for (const instance of [first, second]) {
      assert.match(
        instance.output().stdout,
        /\ngateway keys required: clients send one as their API key\n/,
      );
      assert.match(
        instance.output().stdout,
        /\nstate postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres\n/,
      );
    }
  });

  it("completes a thinking tool loop whose turns alternate between them", async () => {
    const { key } = await createKey("loop");
    let calls = 0;
    const alternate: typeof fetch = (input, init) => {
      const url = String(input);
      const target = calls++ % 2 === 0 ? url : url.replace(first.baseURL, second.baseURL);
      return fetch(target, init);
    };
    const client = new OpenAI({
      baseURL: first.baseURL,
      apiKey: key,
      maxRetries: 0,
      fetch: alternate,
    });
    emulator.clearRequests();
    const runner = client.chat.completions.runTools({
      model: "kimi-k2.6",
      messages: [{ role: "user", content: "Call get_weather and get_time for Paris." }],
      tools: ["get_weather", "get_time"].map((name) => ({
        type: "function" as const,
        function: {
          name,
          description: name,
          parameters: { type: "object", properties: { city: { type: "string" } } },
          parse: JSON.parse,
          function: (_args: { city?: string }) => `${name} says fine`,
        },
      })),
    });
    const content = await runner.finalContent();
    assert.match(content ?? "", /get_weather returned get_weather says fine/);
    assert.equal(calls, 2);
    const [turnOne, turnTwo] = emulator.requests.map(
      (request) => request.body as { messages: { reasoning_content?: string }[] },
    );
    assert.ok(turnOne && turnTwo);
    const servedMessage = (await runner.allChatCompletions())[0]?.choices[0]?.message as
      | { reasoning_content?: string }
      | undefined;
    const served = servedMessage?.reasoning_content;
    assert.ok(served !== undefined && served.length > 1);
    assert.equal(turnTwo.messages[1]?.reasoning_content, served);
  });

  it("adds up the ledger of both", async () => {
    const { key, id } = await createKey("ledger");
    let total = 0;
    for (const instance of [first, second, first, second]) {
      const answer = await post(
        instance.baseURL,
        "/chat/completions",
        { model: "kimi-k2.6", messages: hello },
        auth(key),
      );
      assert.equal(answer.status, 200);
      total += Number(answer.headers.get("x-kimi-cost-usd"));
    }
    const run = await runCli(["gateway", "usage", "--json"], { env });
    assert.equal(run.code, 0, run.stderr);
    const rows = (
      JSON.parse(run.stdout) as {
        keyId: string;
        model: string;
        requests: number;
        costUsd: number;
      }[]
    ).filter((row) => row.keyId === id);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.model, "kimi-k2.6");
    assert.equal(rows[0]?.requests, 4);
    assert.ok(Math.abs((rows[0]?.costUsd ?? 0) - total) < 1e-12);
  });

  it("spends a key's budget across both", async () => {
    const { key, id } = await createKey("budget", "--budget-usd", "0.000001");
    emulator.clearRequests();
    const spent = await post(
      first.baseURL,
      "/chat/completions",
      { model: "kimi-k2.6", messages: hello },
      auth(key),
    );
    assert.equal(spent.status, 200);
    const refused = await post(
      second.baseURL,
      "/chat/completions",
      { model: "kimi-k2.6", messages: hello },
      auth(key),
    );
    assert.equal(refused.status, 429);
    assert.equal(refused.json.error.type, "exceeded_current_quota_error");
    assert.equal(refused.json.error.code, "budget_exceeded");
    const tomorrow = new Date(
      Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`) + 86_400_000,
    ).toISOString();
    assert.match(
      refused.json.error.message,
      new RegExp(
        `^Gateway key ${id} \\("budget"\\) has spent \\$0\\.\\d{6} of its daily budget of \\$0\\.000001 \\(USD per UTC day\\)\\. The budget resets at ${tomorrow.replace(/\./g, "\\.")}, in `,
      ),
    );
    assert.equal(emulator.requests.length, 1);
  });

  it("shares a key's requests-per-minute limit", async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const { key, id } = await createKey(`rpm ${attempt}`, "--rpm", "2");
      const minute = Math.floor(Date.now() / 60_000);
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof post>> | undefined;
      for (const instance of [first, second, first]) {
        last = await post(
          instance.baseURL,
          "/chat/completions",
          { model: "kimi-k2.6", messages: hello },
          auth(key),
        );
        statuses.push(last.status);
      }
      // Three requests straddling a minute boundary fall in two windows: try again in the next.
      if (Math.floor(Date.now() / 60_000) !== minute) continue;
      assert.deepEqual(statuses, [200, 200, 429]);
      assert.equal(last?.json.error.type, "rate_limit_reached_error");
      assert.match(
        last?.json.error.message,
        new RegExp(
          `^Gateway key ${id} reached its limit of 2 requests per minute, please try again after \\d+ seconds\\.$`,
        ),
      );
      assert.match(last?.headers.get("retry-after") ?? "", /^\d+$/);
      return;
    }
    assert.fail("two attempts straddled a minute boundary");
  });

  it("refuses a missing, unknown or revoked key without an upstream call", async () => {
    const { key, id } = await createKey("to revoke");
    emulator.clearRequests();
    const missing = await post(first.baseURL, "/chat/completions", {
      model: "kimi-k2.6",
      messages: hello,
    });
    assert.equal(missing.status, 401);
    assert.equal(missing.json.error.type, "invalid_authentication_error");
    assert.match(missing.json.error.message, /^No gateway key: send one as the API key/);
    const unknown = await post(
      first.baseURL,
      "/chat/completions",
      { model: "kimi-k2.6", messages: hello },
      auth("sk-upstream-secret"),
    );
    assert.equal(unknown.status, 401);
    assert.match(unknown.json.error.message, /^The API key is not a key of this gateway/);
    const revoke = await runCli(["gateway", "keys", "revoke", id], { env });
    assert.equal(revoke.code, 0, revoke.stderr);
    assert.equal(revoke.stdout, `Revoked gateway key ${id} ("to revoke").\n`);
    const revoked = await post(
      second.baseURL,
      "/chat/completions",
      { model: "kimi-k2.6", messages: hello },
      auth(key),
    );
    assert.equal(revoked.status, 401);
    assert.equal(revoked.json.error.code, "authentication_failed");
    assert.match(revoked.json.error.message, new RegExp(`^Gateway key ${id} was revoked on `));
    assert.equal(emulator.requests.length, 0);
    const list = await runCli(["gateway", "keys", "list"], { env });
    assert.match(list.stdout, new RegExp(`\\n${id} +to revoke .* revoked \\d{4}-\\d{2}-\\d{2}\\n`));
    assert.equal(list.stdout.includes(key), false);
  });

  it("leaves a truncated stream and no ledger row when an instance is killed mid-stream", async () => {
    const { key, id } = await createKey("killed");
    const victim = await spawnGateway(env);
    emulator.inject({ kind: "slow-stream", ms: 200 });
    const response = await fetch(`${victim.baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", ...auth(key) },
      body: JSON.stringify({ model: "kimi-k2.6", messages: hello, stream: true }),
    });
    assert.equal(response.status, 200);
    const reader = response.body?.getReader();
    assert.ok(reader);
    const firstChunk = await reader.read();
    assert.match(new TextDecoder().decode(firstChunk.value), /^data: \{/);
    victim.child.kill("SIGKILL");
    await assert.rejects(
      (async () => {
        for (;;) {
          const { done } = await reader.read();
          if (done) return;
        }
      })(),
      (error: unknown) => error instanceof TypeError,
    );
    await victim.exited;
    const rows = await postgres.db.query("SELECT * FROM kimi_gateway_usage WHERE key_id = $1", [
      id,
    ]);
    assert.deepEqual(rows.rows, []);
  });
});
