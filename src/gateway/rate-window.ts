/**
 * Per-key requests-per-minute, shared by every instance on one database: each request adds one
 * to its key's row for the current UTC minute in one atomic upsert and reads the new count back.
 * A fixed window, like the minute buckets Moonshot's own RPM error speaks of.
 */
import type { SqlExecutor } from "./sql-database.ts";

/** Start of the minute that contains `now`. */
export function minuteStart(now: Date): Date {
  return new Date(Math.floor(now.getTime() / 60_000) * 60_000);
}

/** Counts one request of `keyId` in the window of `now`; returns the window's count so far. */
export async function countRequest(db: SqlExecutor, keyId: string, now: Date): Promise<number> {
  const rows = await db.query<{ requests: number }>(
    `INSERT INTO kimi_gateway_rate_windows AS w (key_id, window_start, requests) VALUES ($1, $2, 1)
     ON CONFLICT (key_id, window_start) DO UPDATE SET requests = w.requests + 1
     RETURNING requests`,
    [keyId, minuteStart(now).toISOString()],
  );
  return rows[0]?.requests ?? 1;
}

/** Forgets windows older than an hour. */
export async function pruneRateWindows(db: SqlExecutor, now: Date): Promise<void> {
  await db.query("DELETE FROM kimi_gateway_rate_windows WHERE window_start < $1", [
    new Date(now.getTime() - 3_600_000).toISOString(),
  ]);
}
