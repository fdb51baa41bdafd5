/**
 * The gateway's schema, as numbered migrations applied in order at start. Several instances may
 * start at once against one server: the migrations run in one transaction that first takes a
 * transaction-scoped advisory lock, so exactly one instance applies each version and the others
 * wait, then find it applied. Every table is prefixed `kimi_gateway_` so the schema can share a
 * database with others.
 */
import type { SqlDatabase } from "./sql-database.ts";

/** One schema change. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Arbitrary 64-bit number naming the gateway's migration lock (pg_advisory_xact_lock). */
const MIGRATION_LOCK_ID = 7_254_113_906;

/** Every migration, oldest first. Never edit a released one: add the next version. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "keys, usage ledger, rate windows, reasoning memory",
    sql: `
CREATE TABLE kimi_gateway_keys (
  id text PRIMARY KEY,
  name text NOT NULL,
  secret_sha256 text NOT NULL,
  budget_usd_per_day numeric,
  rpm_limit integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE TABLE kimi_gateway_usage (
  key_id text NOT NULL,
  model text NOT NULL,
  day date NOT NULL,
  requests bigint NOT NULL DEFAULT 0,
  prompt_tokens bigint NOT NULL DEFAULT 0,
  completion_tokens bigint NOT NULL DEFAULT 0,
  cached_tokens bigint NOT NULL DEFAULT 0,
  reasoning_tokens bigint NOT NULL DEFAULT 0,
  cost_usd numeric NOT NULL DEFAULT 0,
  unpriced_requests bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (key_id, model, day)
);
CREATE TABLE kimi_gateway_rate_windows (
  key_id text NOT NULL,
  window_start timestamptz NOT NULL,
  requests integer NOT NULL,
  PRIMARY KEY (key_id, window_start)
);
CREATE TABLE kimi_gateway_reasoning (
  turn_key text PRIMARY KEY,
  reasoning_content text NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX kimi_gateway_reasoning_expiry ON kimi_gateway_reasoning (expires_at);
`,
  },
];

const LATEST = MIGRATIONS.reduce((max, migration) => Math.max(max, migration.version), 0);

async function appliedVersion(database: Pick<SqlDatabase, "query">): Promise<number> {
  const rows = await database.query<{ version: number | null }>(
    "SELECT max(version)::int AS version FROM kimi_gateway_migrations",
  );
  return rows[0]?.version ?? 0;
}

/** Applies the migrations `database` lacks; returns the versions this call applied. */
export async function migrateDatabase(database: SqlDatabase): Promise<number[]> {
  try {
    // The common case (already current) takes no lock and writes nothing.
    if ((await appliedVersion(database)) >= LATEST) return [];
  } catch {
    // No migrations table yet: the locked path below creates it.
  }
  return database.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_ID]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS kimi_gateway_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`);
    const current = await appliedVersion(tx);
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      await tx.exec(migration.sql);
      await tx.query("INSERT INTO kimi_gateway_migrations (version, name) VALUES ($1, $2)", [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    return applied;
  });
}
