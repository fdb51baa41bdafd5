/**
 * The usage ledger: per key, model and UTC day, the requests, tokens and USD the gateway served.
 * Each finished request adds to its row in one atomic upsert, so instances sharing a server add
 * up, and a request cut before its end (a killed instance, a broken stream) adds nothing rather
 * than half a row.
 */
import type { Usage } from "kimi-provider";
import type { SqlExecutor } from "./sql-database.ts";
import { sqlNumber, sqlString } from "./sql-literal.ts";

/** The ledger row of clients served without a key (loopback clients, no keys configured). */
export const LOOPBACK_KEY_ID = "loopback";

/** One row of the ledger. */
export interface LedgerRow {
  keyId: string;
  model: string;
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  /** USD of the priced requests. */
  costUsd: number;
  /** Requests whose price is unknown (a model missing from the catalog), not in `costUsd`. */
  unpricedRequests: number;
}

/** The last day {@link utcDay} computed, and the span of milliseconds it covers. */
let lastDay = { day: "", from: 0, until: 0 };

/** The UTC day of `now`, `YYYY-MM-DD` (computed once per day: every answer asks for it). */
export function utcDay(now: Date): string {
  const ms = now.getTime();
  if (ms >= lastDay.from && ms < lastDay.until) return lastDay.day;
  const from = ms - (((ms % 86_400_000) + 86_400_000) % 86_400_000);
  lastDay = { day: now.toISOString().slice(0, 10), from, until: from + 86_400_000 };
  return lastDay.day;
}

/** The upsert of {@link recordUsage}, after `VALUES (`. */
const UPSERT_TAIL = `)
     ON CONFLICT (key_id, model, day) DO UPDATE SET
       requests = u.requests + EXCLUDED.requests,
       prompt_tokens = u.prompt_tokens + EXCLUDED.prompt_tokens,
       completion_tokens = u.completion_tokens + EXCLUDED.completion_tokens,
       cached_tokens = u.cached_tokens + EXCLUDED.cached_tokens,
       reasoning_tokens = u.reasoning_tokens + EXCLUDED.reasoning_tokens,
       cost_usd = u.cost_usd + EXCLUDED.cost_usd,
       unpriced_requests = u.unpriced_requests + EXCLUDED.unpriced_requests`;
const UPSERT_HEAD = `INSERT INTO kimi_gateway_usage AS u (key_id, model, day, requests, prompt_tokens,
       completion_tokens, cached_tokens, reasoning_tokens, cost_usd, unpriced_requests)
     VALUES (`;

/**
 * Adds finished requests (one, or several merged) to their ledger row in one atomic upsert, sent
 * as one simple query with its values as literals (src/gateway/sql-literal.ts says why).
 */
export async function recordUsage(
  db: SqlExecutor,
  entry: {
    keyId: string;
    model: string;
    day: string;
    usage: Usage;
    /** Requests in this entry (default 1). */
    requests?: number;
    /** USD of the priced ones. */
    costUsd: number;
    /** Requests whose price is unknown (default 0). */
    unpricedRequests?: number;
  },
): Promise<void> {
  const { usage } = entry;
  const numbers = [
    entry.requests ?? 1,
    usage.promptTokens,
    usage.completionTokens,
    usage.cachedTokens,
    usage.reasoningTokens ?? 0,
    entry.costUsd,
    entry.unpricedRequests ?? 0,
  ];
  const literals = numbers.map(sqlNumber);
  if (literals.includes(undefined)) {
    // Not a number the service would send; the parameters then make the database say so.
    await db.query(`${UPSERT_HEAD}$1, $2, $3::date, $4, $5, $6, $7, $8, $9, $10${UPSERT_TAIL}`, [
      entry.keyId,
      entry.model,
      entry.day,
      ...numbers,
    ]);
    return;
  }
  await db.exec(
    `${UPSERT_HEAD}${sqlString(entry.keyId)}, ${sqlString(entry.model)}, ${sqlString(entry.day)}::date, ${literals.join(", ")}${UPSERT_TAIL}`,
  );
}

/** USD `keyId` spent on `day` (every model). */
export async function spentOnDay(db: SqlExecutor, keyId: string, day: string): Promise<number> {
  const rows = await db.query<{ spent: number | null }>(
    "SELECT sum(cost_usd)::float8 AS spent FROM kimi_gateway_usage WHERE key_id = $1 AND day = $2::date",
    [keyId, day],
  );
  return rows[0]?.spent ?? 0;
}

/** The whole ledger, newest day first. */
export async function readLedger(db: SqlExecutor): Promise<LedgerRow[]> {
  const rows = await db.query<{
    key_id: string;
    model: string;
    day: string;
    requests: number;
    prompt_tokens: number;
    completion_tokens: number;
    cached_tokens: number;
    reasoning_tokens: number;
    cost_usd: number;
    unpriced_requests: number;
  }>(
    `SELECT key_id, model, to_char(day, 'YYYY-MM-DD') AS day, requests::float8 AS requests,
       prompt_tokens::float8 AS prompt_tokens, completion_tokens::float8 AS completion_tokens,
       cached_tokens::float8 AS cached_tokens, reasoning_tokens::float8 AS reasoning_tokens,
       cost_usd::float8 AS cost_usd, unpriced_requests::float8 AS unpriced_requests
     FROM kimi_gateway_usage ORDER BY day DESC, key_id, model`,
  );
  return rows.map((row) => ({
    keyId: row.key_id,
    model: row.model,
    day: row.day,
    requests: row.requests,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    cachedTokens: row.cached_tokens,
    reasoningTokens: row.reasoning_tokens,
    costUsd: row.cost_usd,
    unpricedRequests: row.unpriced_requests,
  }));
}
