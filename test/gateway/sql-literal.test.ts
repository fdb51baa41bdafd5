/**
 * The literals of the ledger's simple-query upsert, read back through a real PostgreSQL (PGlite
 * behind its wire-protocol server): any text, quotes and backslashes included, comes back as it
 * was, and a non-finite number is never written as a literal.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { emptyUsage } from "../../src/cost/usage.ts";
import { openGatewayDatabase } from "../../src/gateway/open-database.ts";
import type { SqlDatabase } from "../../src/gateway/sql-database.ts";
import { sqlNumber, sqlString } from "../../src/gateway/sql-literal.ts";
import { readLedger, recordUsage } from "../../src/gateway/usage-ledger.ts";
import { type SharedPostgres, startSharedPostgres, tempDir } from "./helpers.ts";

let postgres: SharedPostgres;
let db: SqlDatabase;
const state = tempDir();

before(async () => {
  postgres = await startSharedPostgres();
  db = await openGatewayDatabase({ databaseUrl: postgres.url, stateDir: state.path, serve: false });
});

after(async () => {
  await db?.close();
  await postgres?.close();
  state.cleanup();
});

const TEXTS = [
  "kimi-k2.6",
  "it's",
  "''; DROP TABLE kimi_gateway_usage; --",
  "back\\slash",
  "\\'; SELECT 1; --",
  "E'x'",
  "emoji 🦊 and ünïcödé",
  "$$dollar$$",
  "",
];

describe("SQL literals", () => {
  it("read back every text as it was", async () => {
    for (const text of TEXTS) {
      await db.exec(`CREATE TEMP TABLE IF NOT EXISTS literal_check (value text)`);
      await db.exec(`DELETE FROM literal_check`);
      await db.exec(`INSERT INTO literal_check (value) VALUES (${sqlString(text)})`);
      const rows = await db.query<{ value: string }>("SELECT value FROM literal_check");
      assert.deepEqual(
        rows.map((row) => row.value),
        [text],
      );
    }
  });

  it("write finite numbers as they are, and nothing for NaN or infinities", () => {
    assert.equal(sqlNumber(42), "42");
    assert.equal(sqlNumber(0.000125), "0.000125");
    assert.equal(sqlNumber(1.5e-7), "1.5e-7");
    assert.equal(sqlNumber(Number.NaN), undefined);
    assert.equal(sqlNumber(Number.POSITIVE_INFINITY), undefined);
  });

  it("let the ledger record a model name full of quotes and backslashes as sent", async () => {
    const model = "o'brien\\model'; --";
    const usage = { ...emptyUsage(), promptTokens: 7, completionTokens: 3, cachedTokens: 2 };
    const entry = { keyId: "kgw-literal", model, day: "2026-02-03", usage, costUsd: 1.5e-7 };
    await recordUsage(db, entry);
    await recordUsage(db, { ...entry, requests: 2, unpricedRequests: 1 });
    const rows = (await readLedger(db)).filter((row) => row.keyId === "kgw-literal");
    assert.deepEqual(rows, [
      {
        keyId: "kgw-literal",
        model,
        day: "2026-02-03",
        requests: 3,
        promptTokens: 14,
        completionTokens: 6,
        cachedTokens: 4,
        reasoningTokens: 0,
        costUsd: 3e-7,
        unpricedRequests: 1,
      },
    ]);
  });
});
