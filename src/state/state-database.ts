/**
 * The local state database: one SQLite file, `<state dir>/state.db`, holding the uploaded-file
 * registry and the CLI's usage ledger (docs/local-state.md). SQLite gives what a hand-made lock
 * file could not: transactions that several processes can run against one file without losing
 * each other's changes, and that a crash (even SIGKILL mid-transaction) rolls back instead of
 * leaving a lock or a torn file behind.
 *
 * - WAL journal: readers never wait for the writer, and a commit is one append.
 * - Every read-modify-write runs in `BEGIN IMMEDIATE`, which takes the write lock up front, so two
 *   writers never both read the old state.
 * - A short SQLite busy timeout, retried asynchronously up to {@link BUSY_WAIT_MS}: a process
 *   waiting for the lock keeps its event loop free between attempts.
 * - Failures become a {@link StateError} naming the file and the fix.
 */

import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { fsModule, fsPromises } from "../async/lazy-fs.ts";
import { StateError, type StateErrorCode } from "../errors/error-classes.ts";
import { importLegacyState } from "./legacy-import.ts";
import { loadSqlite } from "./load-sqlite.ts";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema.ts";

/** File name of the database inside the state directory. */
export const STATE_DATABASE_NAME = "state.db";

/**
 * How long a transaction waits in total for other processes' write locks, in ms, by default.
 * The environment variable `KIMI_STATE_LOCK_TIMEOUT_MS` overrides it.
 */
export const BUSY_WAIT_MS = 15_000;

/** The wait for locks in force (see {@link BUSY_WAIT_MS}). */
function busyWaitMs(): number {
  const text = process.env.KIMI_STATE_LOCK_TIMEOUT_MS?.trim();
  const configured = text ? Number(text) : Number.NaN;
  return Number.isFinite(configured) && configured >= 0 ? configured : BUSY_WAIT_MS;
}

/** SQLite's own wait per attempt (blocks the event loop), in ms. */
const BUSY_TIMEOUT_PER_ATTEMPT_MS = 200;

/** Primary result codes of SQLite (https://www.sqlite.org/rescode.html). */
const SQLITE = {
  PERM: 3,
  BUSY: 5,
  LOCKED: 6,
  READONLY: 8,
  IOERR: 10,
  CORRUPT: 11,
  FULL: 13,
  CANTOPEN: 14,
  NOTADB: 26,
} as const;

/** Path of the database in `stateDir`. */
export function stateDatabasePath(stateDir: string): string {
  return join(stateDir, STATE_DATABASE_NAME);
}

function sqliteCode(error: unknown): number | undefined {
  if (!error || typeof error !== "object" || !("errcode" in error)) return undefined;
  const code = (error as { errcode?: unknown }).errcode;
  // Extended codes (e.g. SQLITE_BUSY_RECOVERY) carry the primary code in the low byte.
  return typeof code === "number" ? code & 0xff : undefined;
}

function describe(error: unknown): string {
  if (error && typeof error === "object" && "errstr" in error) {
    const errstr = (error as { errstr?: unknown }).errstr;
    if (typeof errstr === "string" && errstr !== "") return errstr;
  }
  return error instanceof Error ? error.message : String(error);
}

function isBusy(error: unknown): boolean {
  const code = sqliteCode(error);
  return code === SQLITE.BUSY || code === SQLITE.LOCKED;
}

/** The advice for a damaged database, shared by every message that reports one. */
export function damagedAdvice(path: string): string {
  return `Move it aside (e.g. rename it to ${path}.damaged) and run again: a new, empty one is created. The files it tracked stay on the account; \`kimi-provider files list\` shows them and \`files delete ID\` removes them.`;
}

/** The advice for a state directory that cannot be written. */
function unwritableAdvice(stateDir: string): string {
  return `Make ${stateDir} a writable directory, or choose another state directory with the \`stateDir\` option or KIMI_STATE_DIR.`;
}

/**
 * Turns a failure of SQLite or of the file system about the database into a {@link StateError};
 * anything else (a bug, an error thrown by a transaction's body) is returned unchanged.
 */
export function toStateError(error: unknown, stateDir: string): unknown {
  if (error instanceof StateError) return error;
  const path = stateDatabasePath(stateDir);
  const code = sqliteCode(error);
  const detail = describe(error);
  let kind: StateErrorCode | undefined;
  let message = "";
  if (code === SQLITE.CORRUPT || code === SQLITE.NOTADB) {
    kind = "state_corrupt";
    message = `The local state database ${path} is damaged (${detail}). ${damagedAdvice(path)}`;
  } else if (
    code === SQLITE.READONLY ||
    code === SQLITE.CANTOPEN ||
    code === SQLITE.FULL ||
    code === SQLITE.IOERR ||
    code === SQLITE.PERM
  ) {
    kind = "state_unwritable";
    message = `Cannot write the local state database ${path} (${detail}). ${unwritableAdvice(stateDir)}`;
  } else if (code === SQLITE.BUSY || code === SQLITE.LOCKED) {
    kind = "state_busy";
    message = `The local state database ${path} stayed locked by another process for ${busyWaitMs()} ms. Retry; if it persists, look for a hung kimi-provider process (or raise KIMI_STATE_LOCK_TIMEOUT_MS).`;
  }
  return kind === undefined
    ? error
    : new StateError(message, { code: kind, path: path, cause: error });
}

function pause(ms: number): Promise<void> {
  return new Promise((resolveWait) => setTimeout(resolveWait, ms));
}

/** An open state database. Obtain it with {@link openStateDatabase}. */
export class StateDatabase {
  /** The directory holding the local state (`state.db`). */
  readonly stateDir: string;
  /** Path of the database file. */
  readonly path: string;
  readonly #db: DatabaseSync;

  constructor(stateDir: string, db: DatabaseSync) {
    this.stateDir = stateDir;
    this.path = stateDatabasePath(stateDir);
    this.#db = db;
  }

  /**
   * Runs `body` in a write transaction (`BEGIN IMMEDIATE`): it sees the latest committed state
   * and no other process writes until it commits. `body` must be synchronous; if it throws, the
   * transaction is rolled back and the error rethrown.
   */
  write<T>(body: (db: DatabaseSync) => T): Promise<T> {
    return this.#transaction("BEGIN IMMEDIATE", body);
  }

  /** Runs `body` against one consistent snapshot (a read transaction). */
  read<T>(body: (db: DatabaseSync) => T): Promise<T> {
    return this.#transaction("BEGIN", body);
  }

  async #transaction<T>(begin: string, body: (db: DatabaseSync) => T): Promise<T> {
    const db = this.#db;
    const deadline = Date.now() + busyWaitMs();
    for (let attempt = 0; ; attempt++) {
      try {
        db.exec(begin);
      } catch (error) {
        if (isBusy(error) && Date.now() < deadline) {
          await pause(5 + Math.floor(Math.random() * Math.min(100, 10 * (attempt + 1))));
          continue;
        }
        throw toStateError(error, this.stateDir);
      }
      let result: T;
      try {
        result = body(db);
        db.exec("COMMIT");
      } catch (error) {
        try {
          db.exec("ROLLBACK");
        } catch {
          // Already rolled back by SQLite (e.g. after an I/O error).
        }
        throw toStateError(error, this.stateDir);
      }
      return result;
    }
  }

  /** Closes the connection (later use of this object fails). */
  close(): void {
    this.#db.close();
  }
}

const opened = new Map<string, Promise<StateDatabase>>();

/**
 * The state database of `stateDir` (absolute), opened once per process: creates the directory
 * and the database if needed, applies the schema migrations and imports the JSON files of
 * earlier versions (`files.json`, `usage.json`) once. Throws {@link StateError} when the state
 * cannot be used.
 */
export function openStateDatabase(stateDir: string): Promise<StateDatabase> {
  let database = opened.get(stateDir);
  if (database === undefined) {
    database = openNew(stateDir);
    opened.set(stateDir, database);
    // A failed open is not cached: the user may fix the directory while the process runs.
    database.catch(() => {
      if (opened.get(stateDir) === database) opened.delete(stateDir);
    });
  }
  return database;
}

/** Closes every database this process opened (for tests and orderly shutdowns). */
export async function closeStateDatabases(): Promise<void> {
  const all = [...opened.values()];
  opened.clear();
  for (const database of all) {
    try {
      (await database).close();
    } catch {
      // Failed to open: nothing to close.
    }
  }
}

async function prepareDirectory(stateDir: string): Promise<void> {
  const { mkdir, stat } = await fsPromises();
  const path = stateDatabasePath(stateDir);
  try {
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why =
      code === "ENOTDIR" || code === "EEXIST"
        ? "a file, not a directory, is in the way"
        : describe(error);
    throw new StateError(
      `Cannot create the state directory ${stateDir} (${why}). ${unwritableAdvice(stateDir)}`,
      { code: "state_unwritable", path: stateDir, cause: error },
    );
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing !== undefined && !existing.isFile()) {
    throw new StateError(
      `The local state database ${path} is not a file (a directory or something else is in its place). Move it away and run again, or choose another state directory with the \`stateDir\` option or KIMI_STATE_DIR.`,
      { code: "state_unwritable", path: path },
    );
  }
}

async function openNew(stateDir: string): Promise<StateDatabase> {
  await prepareDirectory(stateDir);
  const { DatabaseSync } = await loadSqlite();
  const fs = await fsModule();
  const path = stateDatabasePath(stateDir);
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
  } catch (error) {
    throw toStateError(error, stateDir);
  }
  const database = new StateDatabase(stateDir, db);
  try {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_PER_ATTEMPT_MS}`);
    await checkIntegrity(database);
    await useWal(db);
    await migrate(database);
    await importLegacyState(database, fs);
  } catch (error) {
    db.close();
    throw toStateError(error, stateDir);
  }
  return database;
}

/** A torn or overwritten file is found now, with a clear error, not halfway through a cleanup. */
async function checkIntegrity(database: StateDatabase): Promise<void> {
  const rows = await database.read((db) => db.prepare("PRAGMA quick_check").all());
  const problems = rows.map((row) => String(Object.values(row)[0])).filter((s) => s !== "ok");
  if (problems.length > 0) {
    throw new StateError(
      `The local state database ${database.path} is damaged (${problems.slice(0, 3).join("; ")}). ${damagedAdvice(database.path)}`,
      { code: "state_corrupt", path: database.path },
    );
  }
}

async function useWal(db: DatabaseSync): Promise<void> {
  const deadline = Date.now() + busyWaitMs();
  for (;;) {
    try {
      // Persistent: only the first process to open a new database actually switches.
      db.exec("PRAGMA journal_mode = WAL");
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      await pause(5 + Math.floor(Math.random() * 50));
    }
  }
}

async function migrate(database: StateDatabase): Promise<void> {
  const version = (db: DatabaseSync) =>
    Number((db.prepare("PRAGMA user_version").get() as { user_version?: unknown }).user_version);
  const current = await database.read(version);
  if (current === SCHEMA_VERSION) return;
  await database.write((db) => {
    const now = version(db); // another process may have migrated meanwhile
    if (now > SCHEMA_VERSION) {
      throw new StateError(
        `The local state database ${database.path} was written by a newer kimi-provider (schema ${now}; this one knows ${SCHEMA_VERSION}). Upgrade kimi-provider, or choose another state directory with the \`stateDir\` option or KIMI_STATE_DIR.`,
        { code: "state_unwritable", path: database.path },
      );
    }
    for (let next = now; next < SCHEMA_VERSION; next++) db.exec(MIGRATIONS[next] ?? "");
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  });
}
