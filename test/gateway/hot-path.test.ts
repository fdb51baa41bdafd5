/**
 * What keeps the gateway's per-request cost low, asserted as behaviour: answers finishing
 * together share one ledger upsert, and deferred usage waits for its deadline rather than
 * following the previous write at once; streams hand their upstream connection back to the
 * keep-alive pool (one connection for many sequential streams); usage no budget depends on is
 * written without holding the answer, and all of it by `close()`; random paths add no metric
 * series.
 */
import assert from "node:assert/strict";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { emptyUsage } from "../../src/cost/usage.ts";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { type RunningGateway, startGateway } from "../../src/gateway/index.ts";
import { LedgerWriter } from "../../src/gateway/ledger-writer.ts";
import { openGatewayDatabase } from "../../src/gateway/open-database.ts";
import type { SqlDatabase, SqlExecutor, SqlRow } from "../../src/gateway/sql-database.ts";
import { LOOPBACK_KEY_ID, readLedger } from "../../src/gateway/usage-ledger.ts";
import { post, type SharedPostgres, sseData, startSharedPostgres, tempDir } from "./helpers.ts";

const UPSTREAM_KEY = "sk-upstream-secret-456";
const hello = [{ role: "user", content: "Say hello." }];

let emulator: RunningEmulator;
let postgres: SharedPostgres;
let db: SqlDatabase;
let gateway: RunningGateway;
/** A TCP relay between the gateway and the emulator that counts the connections it accepts. */
let relay: Server;
let connections = 0;
const relayed = new Set<Socket>();
const state = tempDir();

before(async () => {
  emulator = await startEmulator({ apiKey: UPSTREAM_KEY });
  const upstream = new URL(emulator.baseURL);
  relay = createServer((socket) => {
    connections++;
    const target = createConnection({ host: upstream.hostname, port: Number(upstream.port) });
    relayed.add(socket).add(target);
    socket.pipe(target).pipe(socket);
    socket.on("error", () => target.destroy());
    target.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  const address = relay.address();
  assert.ok(address !== null && typeof address === "object");
  postgres = await startSharedPostgres();
  db = await openGatewayDatabase({
    databaseUrl: postgres.url,
    stateDir: state.path,
    serve: false,
  });
  gateway = await startGateway({
    port: 0,
    apiKey: UPSTREAM_KEY,
    baseURL: `http://127.0.0.1:${address.port}/v1`,
    databaseUrl: postgres.url,
    stateDir: state.path,
  });
});

after(async () => {
  await gateway?.close();
  await db?.close();
  await postgres?.close();
  for (const socket of relayed) socket.destroy();
  await new Promise<void>((resolve) => relay.close(() => resolve()));
  await emulator?.close();
  state.cleanup();
});

function firstWords(sql: string): string {
  return sql.trim().split(/\s+/).slice(0, 3).join(" ");
}

/** `db` with every statement it runs counted by its first words. */
function counting(target: SqlExecutor): { executor: SqlExecutor; statements: string[] } {
  const statements: string[] = [];
  return {
    statements,
    executor: {
      query<Row extends SqlRow = SqlRow>(sql: string, params?: readonly unknown[]) {
        statements.push(firstWords(sql));
        return target.query<Row>(sql, params);
      },
      exec(sql: string) {
        statements.push(firstWords(sql));
        return target.exec(sql);
      },
    },
  };
}

/**
 * `db` whose first statement waits until `release()` (`started` resolves when it was issued), with
 * every statement counted by its first words.
 */
function gated(target: SqlExecutor): {
  executor: SqlExecutor;
  statements: { list: string[]; started: Promise<void>; release: () => void };
} {
  const list: string[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started: () => void = () => undefined;
  const startedPromise = new Promise<void>((resolve) => {
    started = resolve;
  });
  const issued = async (sql: string) => {
    list.push(firstWords(sql));
    if (list.length === 1) {
      started();
      await gate;
    }
  };
  return {
    statements: { list, started: startedPromise, release },
    executor: {
      async query<Row extends SqlRow = SqlRow>(sql: string, params?: readonly unknown[]) {
        await issued(sql);
        return target.query<Row>(sql, params);
      },
      async exec(sql: string) {
        await issued(sql);
        return target.exec(sql);
      },
    },
  };
}

describe("the ledger's group commit", () => {
  it("writes answers finishing in the same turn with one upsert per row", async () => {
    const { executor, statements } = counting(db);
    const writer = new LedgerWriter(executor);
    const usage = { ...emptyUsage(), promptTokens: 3, completionTokens: 2 };
    const day = "2026-01-02";
    const adds = Array.from({ length: 10 }, () =>
      writer.add({ keyId: "kgw-merge", model: "kimi-k2.6", day, usage, costUsd: 0.5 }),
    );
    adds.push(writer.add({ keyId: "kgw-merge", model: "kimi-k2.5", day, usage, costUsd: null }));
    await Promise.all(adds);
    assert.deepEqual(statements, [
      "INSERT INTO kimi_gateway_usage",
      "INSERT INTO kimi_gateway_usage",
    ]);
    const rows = (await readLedger(db)).filter((row) => row.keyId === "kgw-merge");
    assert.deepEqual(
      rows.map((row) => [
        row.model,
        row.requests,
        row.promptTokens,
        row.costUsd,
        row.unpricedRequests,
      ]),
      [
        ["kimi-k2.5", 1, 3, 0, 1],
        ["kimi-k2.6", 10, 30, 5, 0],
      ],
    );
  });

  it("writes a lone answer with exactly one upsert, and drain waits for it", async () => {
    const { executor, statements } = counting(db);
    const writer = new LedgerWriter(executor);
    const added = writer.add({
      keyId: "kgw-lone",
      model: "kimi-k2.6",
      day: "2026-01-03",
      usage: emptyUsage(),
      costUsd: 0.25,
    });
    await writer.drain();
    assert.deepEqual(statements, ["INSERT INTO kimi_gateway_usage"]);
    await added;
    const rows = (await readLedger(db)).filter((row) => row.keyId === "kgw-lone");
    assert.deepEqual(
      rows.map((row) => [row.requests, row.costUsd]),
      [[1, 0.25]],
    );
  });
});

describe("the ledger's deferred entries", () => {
  it("merges deferred entries into one upsert, taken along by an urgent one", async () => {
    const { executor, statements } = counting(db);
    const writer = new LedgerWriter(executor);
    const entry = {
      keyId: "kgw-deferred",
      model: "kimi-k2.6",
      day: "2026-01-04",
      usage: emptyUsage(),
      costUsd: 0.125,
    };
    const deferred = [writer.add(entry, false), writer.add(entry, false)];
    await writer.add(entry, true);
    await Promise.all(deferred);
    assert.deepEqual(statements, ["INSERT INTO kimi_gateway_usage"]);
    const rows = (await readLedger(db)).filter((row) => row.keyId === "kgw-deferred");
    assert.deepEqual(
      rows.map((row) => [row.requests, row.costUsd]),
      [[3, 0.375]],
    );
  });

  it("keeps deferred entries added during a write for their own deadline, not the next write", async () => {
    const { executor, statements } = gated(db);
    // A deadline no test run reaches: only drain() can write the deferred entry.
    const writer = new LedgerWriter(executor, 3_600_000);
    const entry = {
      keyId: "kgw-in-flight",
      model: "kimi-k2.6",
      day: "2026-01-06",
      usage: emptyUsage(),
      costUsd: 0.5,
    };
    const urgent = writer.add(entry, true);
    await statements.started;
    const deferred = writer.add(entry, false);
    statements.release();
    await urgent;
    // The write in flight ended; the entry added meanwhile is still pending.
    assert.deepEqual(statements.list, ["INSERT INTO kimi_gateway_usage"]);
    await writer.drain();
    await deferred;
    assert.deepEqual(statements.list, [
      "INSERT INTO kimi_gateway_usage",
      "INSERT INTO kimi_gateway_usage",
    ]);
    const rows = (await readLedger(db)).filter((row) => row.keyId === "kgw-in-flight");
    assert.deepEqual(
      rows.map((row) => [row.requests, row.costUsd]),
      [[2, 1]],
    );
  });

  it("writes deferred entries added during a write at once when an urgent one joins them", async () => {
    const { executor, statements } = gated(db);
    const writer = new LedgerWriter(executor, 3_600_000);
    const entry = {
      keyId: "kgw-joined",
      model: "kimi-k2.6",
      day: "2026-01-07",
      usage: emptyUsage(),
      costUsd: 0.25,
    };
    const first = writer.add(entry, true);
    await statements.started;
    const deferred = writer.add(entry, false);
    const urgent = writer.add(entry, true);
    statements.release();
    await Promise.all([first, deferred, urgent]);
    assert.deepEqual(statements.list, [
      "INSERT INTO kimi_gateway_usage",
      "INSERT INTO kimi_gateway_usage",
    ]);
    const rows = (await readLedger(db)).filter((row) => row.keyId === "kgw-joined");
    assert.deepEqual(
      rows.map((row) => [row.requests, row.costUsd]),
      [[3, 0.75]],
    );
  });

  it("writes deferred entries on drain", async () => {
    const { executor, statements } = counting(db);
    const writer = new LedgerWriter(executor);
    const added = writer.add(
      {
        keyId: "kgw-drain",
        model: "kimi-k2.6",
        day: "2026-01-05",
        usage: emptyUsage(),
        costUsd: 1,
      },
      false,
    );
    await writer.drain();
    await added;
    assert.deepEqual(statements, ["INSERT INTO kimi_gateway_usage"]);
  });
});

describe("the gateway's hot path", () => {
  // First in this block: the suite's gateway has served no loopback client yet, so none of its
  // deferred loopback usage can land in the row between the two reads below.
  it("writes a loopback client's usage without holding the answer, and all of it by close", async () => {
    const own = await startGateway({
      port: 0,
      apiKey: UPSTREAM_KEY,
      baseURL: emulator.baseURL,
      databaseUrl: postgres.url,
      stateDir: state.path,
    });
    const before = (await readLedger(db)).find((row) => row.keyId === LOOPBACK_KEY_ID);
    let cost = 0;
    for (let i = 0; i < 3; i++) {
      const answer = await post(own.baseURL, "/chat/completions", {
        model: "kimi-k2.6",
        messages: hello,
      });
      assert.equal(answer.status, 200);
      cost += Number(answer.headers.get("x-kimi-cost-usd"));
    }
    await own.close();
    const row = (await readLedger(db)).find((entry) => entry.keyId === LOOPBACK_KEY_ID);
    assert.equal(row?.requests, (before?.requests ?? 0) + 3);
    assert.ok(Math.abs((row?.costUsd ?? 0) - ((before?.costUsd ?? 0) + cost)) < 1e-12);
  });

  it("relays sequential streams over one upstream keep-alive connection", async () => {
    connections = 0;
    for (let i = 0; i < 3; i++) {
      const answer = await post(gateway.baseURL, "/chat/completions", {
        model: "kimi-k2.6",
        messages: hello,
        stream: true,
      });
      assert.equal(answer.status, 200);
      assert.equal(sseData(answer.text).at(-1), "[DONE]");
    }
    const plain = await post(gateway.baseURL, "/chat/completions", {
      model: "kimi-k2.6",
      messages: hello,
    });
    assert.equal(plain.status, 200);
    assert.equal(connections, 1);
  });

  it("labels requests to unknown paths as route other", async () => {
    for (const path of ["/v1/nothing-here", "/v1/nor-here"]) {
      const answer = await post(gateway.baseURL.replace(/\/v1$/, ""), path, {});
      assert.equal(answer.status, 404);
    }
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    assert.match(metrics, /\nkimi_gateway_requests_total\{route="other",status="404"\} 2\n/);
    assert.equal(metrics.includes("nothing-here"), false);
  });
});
