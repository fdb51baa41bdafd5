/**
 * The schema of the local state database, as numbered migrations. `PRAGMA user_version` holds the
 * number of migrations applied; opening the database applies the missing ones in one write
 * transaction, so concurrent first runs agree. To add a table, append a migration: never edit one
 * that has shipped.
 */

/** The migrations, in order; migration `n` (1-based) brings `user_version` from `n - 1` to `n`. */
export const MIGRATIONS: readonly string[] = [
  // 1: key/value settings, the uploaded-file registry, the CLI's usage ledger.
  `
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;

  CREATE TABLE uploaded_files (
    key TEXT PRIMARY KEY,
    base_url TEXT NOT NULL,
    file_id TEXT,
    filename TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    purpose TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    uploaded_at TEXT,
    owner_pid INTEGER NOT NULL,
    owner_host TEXT NOT NULL,
    owner_start TEXT
  ) STRICT;
  CREATE INDEX uploaded_files_by_base_url ON uploaded_files (base_url, file_id);

  CREATE TABLE usage_calls (
    id INTEGER PRIMARY KEY,
    recorded_at TEXT NOT NULL,
    model TEXT NOT NULL,
    requests INTEGER NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cached_tokens INTEGER NOT NULL,
    reasoning_tokens INTEGER NOT NULL,
    cost_usd REAL NOT NULL,
    unpriced_requests INTEGER NOT NULL,
    web_search_calls INTEGER NOT NULL,
    imported INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  `,
  // 2: the CLI's chat sessions (`kimi-provider chat`, `sessions`): one row per session, its
  // messages as one JSON array rewritten whole in one transaction per turn (atomic: a crash
  // keeps the previous turn's state, never half a turn).
  `
  CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    model TEXT,
    settings TEXT NOT NULL,
    messages TEXT NOT NULL,
    usage TEXT NOT NULL
  ) STRICT;
  CREATE INDEX sessions_by_update ON sessions (updated_at);
  `,
];

/** The schema version this code writes (the number of migrations). */
export const SCHEMA_VERSION = MIGRATIONS.length;
