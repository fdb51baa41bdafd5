/**
 * The gateway's one view of PostgreSQL, whichever way it is reached: the embedded PGlite
 * (Postgres compiled to WASM, in-process) or a server through the `pg` client. Both speak the
 * same SQL, so the stores above this interface never know which one they talk to.
 */

/** A row as the database returns it: column name to value. */
export type SqlRow = Record<string, unknown>;

/** Runs statements. */
export interface SqlExecutor {
  /** Runs one statement with `$1`-style parameters and returns its rows. */
  query<Row extends SqlRow = SqlRow>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** A connected database. */
export interface SqlDatabase extends SqlExecutor {
  /** Runs `work` inside one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Where the state lives, for startup lines and errors; never contains a password. */
  readonly description: string;
  /** Closes the connection (and the embedded database, when this process owns it). */
  close(): Promise<void>;
}

/** `postgres://user:secret@host/db` without the password, for display. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres (unparsable URL)";
  }
}
