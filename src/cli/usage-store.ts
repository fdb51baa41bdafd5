/**
 * The CLI's persistent usage ledger: one row per `kimi-provider chat` answer in the table
 * `usage_calls` of the state database (`<state dir>/state.db`, KIMI_STATE_DIR, default
 * ~/.kimi-provider; docs/local-state.md), totalled by `kimi-provider usage`. Same totals as the
 * library's in-memory `kimi.usage`, but across runs. Each answer is one insert in its own
 * transaction, so parallel runs never lose each other's rows.
 */
import type { DatabaseSync } from "node:sqlite";
import type { RecordableCall } from "kimi-provider";
import {
  emptyUsageTotals,
  openStateDatabase,
  stateDatabasePath,
  type UsageTotals,
} from "kimi-provider/internal";

/** What `kimi-provider usage --json` prints: the totals since `since`, overall and per model. */
export interface StoredUsage extends UsageTotals {
  version: 1;
  /** ISO time the totals started (first use or last reset). */
  since: string;
  /** ISO time of the last recorded call, `null` before the first. */
  updatedAt: string | null;
  byModel: Record<string, UsageTotals>;
}

interface CallRow {
  recorded_at: string;
  model: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  unpriced_requests: number;
  web_search_calls: number;
}

/** Path of the database holding the ledger in `stateDir`. */
export function usagePath(stateDir: string): string {
  return stateDatabasePath(stateDir);
}

/**
 * `totals` plus one row. A row may stand for several requests (totals imported from the old JSON
 * ledger), so it is added field by field, with the same cost rounding as `addToUsageTotals`.
 */
function addRow(totals: UsageTotals, row: CallRow): UsageTotals {
  const promptTokens = totals.promptTokens + row.prompt_tokens;
  const cachedTokens = totals.cachedTokens + row.cached_tokens;
  return {
    requests: totals.requests + row.requests,
    promptTokens,
    completionTokens: totals.completionTokens + row.completion_tokens,
    cachedTokens,
    reasoningTokens: totals.reasoningTokens + row.reasoning_tokens,
    cacheHitRate: promptTokens === 0 ? 0 : cachedTokens / promptTokens,
    costUsd: Math.round((totals.costUsd + row.cost_usd) * 1e12) / 1e12,
    unpricedRequests: totals.unpricedRequests + row.unpriced_requests,
    webSearchCalls: totals.webSearchCalls + row.web_search_calls,
  };
}

function since(db: DatabaseSync): string | undefined {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'usage_since'").get() as
    | { value: string }
    | undefined;
  return row?.value;
}

function setSince(db: DatabaseSync, at: string): void {
  db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('usage_since', ?)").run(at);
}

function totalsOf(db: DatabaseSync, start: string): StoredUsage {
  const rows = db.prepare("SELECT * FROM usage_calls ORDER BY id").all() as unknown as CallRow[];
  let overall = emptyUsageTotals();
  const byModel: Record<string, UsageTotals> = {};
  let updatedAt: string | null = null;
  for (const row of rows) {
    overall = addRow(overall, row);
    byModel[row.model] = addRow(byModel[row.model] ?? emptyUsageTotals(), row);
    if (updatedAt === null || row.recorded_at > updatedAt) updatedAt = row.recorded_at;
  }
  return { version: 1, since: start, updatedAt, ...overall, byModel };
}

/**
 * The totals of every recorded call. Throws {@link StateError} (exit 1) when the state cannot be
 * read, rather than silently starting over.
 */
export async function readUsage(stateDir: string): Promise<StoredUsage> {
  const database = await openStateDatabase(stateDir);
  const existing = await database.read((db) => {
    const start = since(db);
    return start === undefined ? undefined : totalsOf(db, start);
  });
  if (existing !== undefined) return existing;
  // First use: the totals start now (recorded, so later reads agree).
  return database.write((db) => {
    const start = since(db) ?? new Date().toISOString();
    setSince(db, start);
    return totalsOf(db, start);
  });
}

/** Deletes every recorded call; the totals start again now. Returns the empty totals. */
export async function resetUsage(stateDir: string, now: Date = new Date()): Promise<StoredUsage> {
  const database = await openStateDatabase(stateDir);
  return database.write((db) => {
    db.exec("DELETE FROM usage_calls");
    setSince(db, now.toISOString());
    return totalsOf(db, now.toISOString());
  });
}

/** Adds one call to the ledger (one row, one transaction). */
export async function recordUsage(
  stateDir: string,
  call: RecordableCall,
  now: Date = new Date(),
): Promise<void> {
  const database = await openStateDatabase(stateDir);
  await database.write((db) => {
    if (since(db) === undefined) setSince(db, now.toISOString());
    db.prepare(
      `INSERT INTO usage_calls
         (recorded_at, model, requests, prompt_tokens, completion_tokens, cached_tokens,
          reasoning_tokens, cost_usd, unpriced_requests, web_search_calls)
       VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      now.toISOString(),
      call.model,
      // Unknown usage adds no tokens; its unknown cost is counted in unpriced_requests.
      call.usage?.promptTokens ?? 0,
      call.usage?.completionTokens ?? 0,
      call.usage?.cachedTokens ?? 0,
      call.usage?.reasoningTokens ?? 0,
      call.cost.total ?? 0,
      call.cost.total === null ? 1 : 0,
      call.webSearchCalls ?? 0,
    );
  });
}
