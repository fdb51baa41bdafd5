/**
 * One-time import of the JSON files that earlier versions kept in the state directory
 * (`files.json`: the uploaded-file registry; `usage.json`: the CLI's usage totals) into the state
 * database.
 *
 * Crash-safe and exactly once: inside one write transaction the files are read and checked, their
 * rows inserted, a marker row written, and the files renamed to `<name>.imported`; then the
 * transaction commits. If the commit fails the renames are undone. If the process dies between
 * the renames and the commit, nothing was committed and the next run imports the `.imported`
 * files (the marker says whether that already happened). A damaged file stops the import with a
 * {@link StateError} naming it: nothing is dropped silently. The old files are kept, renamed, for
 * the user to delete.
 */
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { StateError } from "../errors/error-classes.ts";
import type { StateDatabase } from "./state-database.ts";

/** The legacy files, in the state directory. */
export const LEGACY_REGISTRY_FILE = "files.json";
/** The legacy usage ledger. */
export const LEGACY_USAGE_FILE = "usage.json";
/** Suffix the legacy files get once imported. */
export const IMPORTED_SUFFIX = ".imported";

const MARKER_KEY = "legacy_json_import";

type Fs = typeof import("node:fs");

interface LegacyEntry {
  key: string;
  baseURL: string;
  id: string | null;
  filename: string;
  bytes: number;
  purpose: string;
  startedAt: string;
  uploadedAt: string | null;
  pid: number;
  host: string;
}

interface LegacyTotals {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens?: number;
  costUsd: number;
  unpricedRequests?: number;
  webSearchCalls?: number;
}

interface LegacyUsage extends LegacyTotals {
  since: string;
  updatedAt: string | null;
  byModel: Record<string, LegacyTotals>;
}

function isLegacyEntry(value: unknown): value is LegacyEntry {
  if (!value || typeof value !== "object") return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.key === "string" &&
    typeof e.baseURL === "string" &&
    (e.id === null || typeof e.id === "string") &&
    typeof e.filename === "string" &&
    typeof e.bytes === "number" &&
    typeof e.purpose === "string" &&
    typeof e.startedAt === "string" &&
    (e.uploadedAt === null || e.uploadedAt === undefined || typeof e.uploadedAt === "string") &&
    typeof e.pid === "number" &&
    typeof e.host === "string"
  );
}

function isLegacyTotals(value: unknown): value is LegacyTotals {
  if (!value || typeof value !== "object") return false;
  const t = value as Record<string, unknown>;
  return ["requests", "promptTokens", "completionTokens", "cachedTokens", "costUsd"].every(
    (key) => typeof t[key] === "number",
  );
}

function isLegacyUsage(value: unknown): value is LegacyUsage {
  if (!isLegacyTotals(value)) return false;
  const u = value as unknown as Record<string, unknown>;
  const byModel = u.byModel;
  return (
    u.version === 1 &&
    typeof u.since === "string" &&
    !!byModel &&
    typeof byModel === "object" &&
    Object.values(byModel).every(isLegacyTotals)
  );
}

function damaged(path: string, what: string, why: string): StateError {
  return new StateError(
    `The ${what} ${path}, kept by an earlier version of kimi-provider, cannot be imported into the local state database: ${why}. Repair it, or move it out of the state directory to start without it${what === "uploaded-file registry" ? " (the files it lists stay on the account; `kimi-provider files list` shows them)" : ""}.`,
    { code: "state_corrupt", path: path },
  );
}

/** Where a legacy file is: its own name, or `.imported` after a run that died before committing. */
function locate(fs: Fs, path: string): string | undefined {
  if (fs.existsSync(path)) return path;
  if (fs.existsSync(`${path}${IMPORTED_SUFFIX}`)) return `${path}${IMPORTED_SUFFIX}`;
  return undefined;
}

function readJson(fs: Fs, path: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (error) {
    throw new StateError(
      `Cannot read the ${what} ${path} of an earlier version of kimi-provider (${(error as Error).message}). Make it readable, or move it out of the state directory.`,
      { code: "state_unwritable", path: path, cause: error },
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw damaged(path, what, "it is not valid JSON (truncated or overwritten)");
  }
}

function importRegistry(db: DatabaseSync, fs: Fs, path: string): number {
  const what = "uploaded-file registry";
  const parsed = readJson(fs, path, what) as { entries?: unknown };
  if (!parsed || typeof parsed !== "object" || !Array.isArray(parsed.entries)) {
    throw damaged(path, what, "it has no `entries` list");
  }
  const bad = parsed.entries.findIndex((entry) => !isLegacyEntry(entry));
  if (bad >= 0) throw damaged(path, what, `entry ${bad + 1} lacks required fields`);
  const insert = db.prepare(
    `INSERT OR IGNORE INTO uploaded_files
       (key, base_url, file_id, filename, bytes, purpose, started_at, ended_at, uploaded_at,
        owner_pid, owner_host, owner_start)
     VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, NULL)`,
  );
  for (const entry of parsed.entries as LegacyEntry[]) {
    insert.run(
      entry.key,
      entry.baseURL,
      entry.id,
      entry.filename,
      entry.bytes,
      entry.purpose,
      entry.startedAt,
      entry.uploadedAt ?? null,
      entry.pid,
      entry.host,
    );
  }
  return parsed.entries.length;
}

function importUsage(db: DatabaseSync, fs: Fs, path: string): number {
  const what = "usage ledger";
  const parsed = readJson(fs, path, what);
  if (!isLegacyUsage(parsed)) throw damaged(path, what, "it is not the expected usage totals");
  const insert = db.prepare(
    `INSERT INTO usage_calls
       (recorded_at, model, requests, prompt_tokens, completion_tokens, cached_tokens,
        reasoning_tokens, cost_usd, unpriced_requests, web_search_calls, imported)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
  );
  const at = parsed.updatedAt ?? parsed.since;
  // The file kept totals per model, not calls: each model becomes one row counting its requests.
  for (const [model, totals] of Object.entries(parsed.byModel)) {
    insert.run(
      at,
      model,
      totals.requests,
      totals.promptTokens,
      totals.completionTokens,
      totals.cachedTokens,
      totals.reasoningTokens ?? 0,
      totals.costUsd,
      totals.unpricedRequests ?? 0,
      totals.webSearchCalls ?? 0,
    );
  }
  db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('usage_since', ?)").run(
    parsed.since,
  );
  return Object.keys(parsed.byModel).length;
}

/** Imports the legacy JSON files of `database`'s directory, once (see the module comment). */
export async function importLegacyState(database: StateDatabase, fs: Fs): Promise<void> {
  const hasMarker = (db: DatabaseSync) =>
    db.prepare("SELECT 1 FROM meta WHERE key = ?").get(MARKER_KEY) !== undefined;
  if (await database.read(hasMarker)) return;
  const renamed: { from: string; to: string }[] = [];
  try {
    await database.write((db) => {
      if (hasMarker(db)) return; // another process imported meanwhile
      const registryPath = join(database.stateDir, LEGACY_REGISTRY_FILE);
      const usagePath = join(database.stateDir, LEGACY_USAGE_FILE);
      const registrySource = locate(fs, registryPath);
      const usageSource = locate(fs, usagePath);
      const files = registrySource ? importRegistry(db, fs, registrySource) : 0;
      const models = usageSource ? importUsage(db, fs, usageSource) : 0;
      db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)").run(
        MARKER_KEY,
        JSON.stringify({ at: new Date().toISOString(), files, usageModels: models }),
      );
      for (const [source, path] of [
        [registrySource, registryPath],
        [usageSource, usagePath],
      ] as const) {
        if (source === path) {
          fs.renameSync(path, `${path}${IMPORTED_SUFFIX}`);
          renamed.push({ from: path, to: `${path}${IMPORTED_SUFFIX}` });
        }
      }
    });
  } catch (error) {
    for (const { from, to } of renamed) {
      try {
        fs.renameSync(to, from);
      } catch {
        // Left as `.imported`: the next run finds it there (no marker was committed).
      }
    }
    throw error;
  }
}
