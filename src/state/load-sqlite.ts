/**
 * `node:sqlite`, imported on first use: only code that touches the local state pays for it, so
 * importing the package (or running `kimi-provider --help`) stays cheap.
 *
 * Node (22.13 to 24 at least) marks the module experimental and prints an `ExperimentalWarning`
 * when it is first loaded. That line is noise for a library user and breaks the CLI's clean
 * stderr, so exactly that one warning is dropped while the module loads; every other warning
 * (also one emitted meanwhile by other code) goes through `process.emitWarning` unchanged.
 */

type SqliteModule = typeof import("node:sqlite");

let loading: Promise<SqliteModule> | undefined;

function isSqliteExperimentalWarning(warning: unknown, rest: readonly unknown[]): boolean {
  const first = rest[0];
  const type =
    typeof first === "string"
      ? first
      : first && typeof first === "object" && "type" in first
        ? (first as { type?: unknown }).type
        : warning instanceof Error
          ? warning.name
          : undefined;
  const message = warning instanceof Error ? warning.message : String(warning);
  return type === "ExperimentalWarning" && /\bSQLite\b/.test(message);
}

async function importQuietly(): Promise<SqliteModule> {
  const original = process.emitWarning;
  const filtered = function (this: unknown, warning: string | Error, ...rest: unknown[]): void {
    if (isSqliteExperimentalWarning(warning, rest)) return;
    (original as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  process.emitWarning = filtered;
  try {
    return await import("node:sqlite");
  } finally {
    // Someone may have wrapped it meanwhile: only undo our own change.
    if (process.emitWarning === filtered) process.emitWarning = original;
  }
}

/** The `node:sqlite` module, loaded once, without its experimental warning. */
export function loadSqlite(): Promise<SqliteModule> {
  loading ??= importQuietly();
  return loading;
}
