/**
 * The default setup: `kimi-provider gateway` with no database URL keeps its state in the
 * embedded PGlite under KIMI_STATE_DIR, answers from the emulator without KIMI_API_KEY, serves
 * only loopback clients while it has no keys, refuses to listen beyond loopback without one, and
 * lets `gateway keys` and `gateway usage` work while it runs.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { runCli } from "../cli/run-cli.ts";
import { type GatewayProcess, post, spawnGateway, tempDir } from "./helpers.ts";

const state = tempDir();
const env = { KIMI_STATE_DIR: state.path };
let gateway: GatewayProcess;

before(async () => {
  // No key yet: listening beyond loopback is refused (this first run also creates the database).
  const open = await runCli(["gateway", "--host", "0.0.0.0", "--port", "0"], { env });
  assert.equal(open.code, 2);
  assert.match(
    open.stderr,
    /Listening on 0\.0\.0\.0 would serve other machines, and this gateway has no keys\. Create one first/,
  );
  gateway = await spawnGateway(env);
});

after(async () => {
  await gateway?.stop();
  state.cleanup();
});

describe("the embedded default", () => {
  it("says where answers and state come from, and that only loopback clients are served", () => {
    const { stdout, stderr } = gateway.output();
    assert.match(stderr, /^no KIMI_API_KEY: answering from the local emulator\n/);
    assert.match(stdout, /\nno gateway keys: serving loopback clients only/);
    assert.ok(stdout.includes(`\nstate embedded PGlite at ${state.path}/gateway-db\n`));
  });

  it("serves loopback clients with any key, and manages keys and the ledger while running", async () => {
    const anonymous = await post(
      gateway.baseURL,
      "/chat/completions",
      { model: "kimi-k2.6", messages: [{ role: "user", content: "Hi." }] },
      { authorization: "Bearer sk-anything" },
    );
    assert.equal(anonymous.status, 200);
    const created = await runCli(
      ["gateway", "keys", "create", "laptop", "--rpm", "100", "--json"],
      { env },
    );
    assert.equal(created.code, 0, created.stderr);
    const { key, id, rpmLimit } = JSON.parse(created.stdout) as {
      key: string;
      id: string;
      rpmLimit: number;
    };
    assert.match(key, /^sk-kgw-[0-9a-f]{12}-[A-Za-z0-9_-]{43}$/);
    assert.equal(rpmLimit, 100);
    const keyed = await post(
      gateway.baseURL,
      "/chat/completions",
      { model: "kimi-k2.6", messages: [{ role: "user", content: "Hi." }] },
      { authorization: `Bearer ${key}` },
    );
    assert.equal(keyed.status, 200);
    const usage = await runCli(["gateway", "usage", "--json"], { env });
    assert.equal(usage.code, 0, usage.stderr);
    const rows = JSON.parse(usage.stdout) as { keyId: string; requests: number; costUsd: number }[];
    assert.deepEqual(
      rows.map((row) => [row.keyId, row.requests, row.costUsd]).sort(),
      [
        [id, 1, Number(keyed.headers.get("x-kimi-cost-usd"))],
        ["loopback", 1, Number(anonymous.headers.get("x-kimi-cost-usd"))],
      ].sort(),
    );
    const table = await runCli(["gateway", "usage"], { env });
    assert.match(table.stdout, /^day +key +model +requests +prompt +cached +completion +cost\n/);
  });
});
