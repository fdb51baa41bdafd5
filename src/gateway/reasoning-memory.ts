/**
 * The reasoning memory: `reasoning_content` of the assistant tool-call turns the gateway served,
 * kept in the database (so every instance sees every other's) until it expires, and put back
 * into later requests that carry the turn without it. Keys: {@link turnKeys}.
 */
import type { SqlExecutor } from "./sql-database.ts";

/** Default time a remembered turn is kept: one day, longer than any live tool loop. */
export const DEFAULT_REASONING_TTL_MS = 24 * 3_600_000;

/** Remembers `reasoning` for the turn `key` until `ttlMs` from now. */
export async function rememberReasoning(
  db: SqlExecutor,
  key: string,
  reasoning: string,
  ttlMs: number,
): Promise<void> {
  await db.query(
    `INSERT INTO kimi_gateway_reasoning (turn_key, reasoning_content, expires_at)
     VALUES ($1, $2, now() + $3 * interval '1 millisecond')
     ON CONFLICT (turn_key) DO UPDATE SET reasoning_content = EXCLUDED.reasoning_content,
       expires_at = EXCLUDED.expires_at`,
    [key, reasoning, ttlMs],
  );
}

/** The remembered reasoning of each of `keys` that has an unexpired entry. */
export async function recallReasoning(
  db: SqlExecutor,
  keys: readonly string[],
): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows = await db.query<{ turn_key: string; reasoning_content: string }>(
    `SELECT turn_key, reasoning_content FROM kimi_gateway_reasoning
     WHERE turn_key = ANY($1::text[]) AND expires_at > now()`,
    [keys],
  );
  return new Map(rows.map((row) => [row.turn_key, row.reasoning_content]));
}

/** Deletes expired entries. */
export async function pruneReasoning(db: SqlExecutor): Promise<void> {
  await db.query("DELETE FROM kimi_gateway_reasoning WHERE expires_at <= now()");
}
