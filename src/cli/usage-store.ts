/**
 * The CLI's persistent usage ledger: totals of every `kimi-provider chat` run, kept in
 * `<state dir>/usage.json` (KIMI_STATE_DIR, default ~/.kimi-provider) and shown by
 * `kimi-provider usage`. Same totals as the library's in-memory `kimi.usage`, but across runs.
 */
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  addToUsageTotals,
  emptyUsageTotals,
  type RecordableCall,
  type UsageTotals,
} from "../cost/ledger.ts";
import { writeFileAtomic } from "../files/atomic-write.ts";
import { withFileLock } from "../files/file-lock.ts";
import { ConfigurationError } from "../http/errors.ts";

/** File name of the ledger inside the state directory. */
export const USAGE_FILE_NAME = "usage.json";

/** The ledger file's content. */
export interface StoredUsage extends UsageTotals {
  version: 1;
  /** ISO time the totals started (creation or last reset). */
  since: string;
  /** ISO time of the last recorded call, `null` before the first. */
  updatedAt: string | null;
  byModel: Record<string, UsageTotals>;
}

/** An empty ledger starting now. */
export function emptyUsage(now: Date = new Date()): StoredUsage {
  return {
    version: 1,
    since: now.toISOString(),
    updatedAt: null,
    ...emptyUsageTotals(),
    byModel: {},
  };
}

/** `ledger` plus one call (pure; returns a new object). */
function addUsage(ledger: StoredUsage, call: RecordableCall, now = new Date()): StoredUsage {
  const { version, since, byModel } = ledger;
  return {
    ...addToUsageTotals(ledger, call),
    version,
    since,
    updatedAt: now.toISOString(),
    byModel: {
      ...byModel,
      [call.model]: addToUsageTotals(byModel[call.model] ?? emptyUsageTotals(), call),
    },
  };
}

function isTotals(value: unknown): value is UsageTotals {
  if (!value || typeof value !== "object") return false;
  const totals = value as Record<string, unknown>;
  return ["requests", "promptTokens", "completionTokens", "cachedTokens", "costUsd"].every(
    (key) => typeof totals[key] === "number",
  );
}

function isStoredUsage(value: unknown): value is StoredUsage {
  if (!isTotals(value)) return false;
  const ledger = value as unknown as Record<string, unknown>;
  const byModel = ledger.byModel;
  return (
    ledger.version === 1 &&
    typeof ledger.since === "string" &&
    !!byModel &&
    typeof byModel === "object" &&
    Object.values(byModel).every(isTotals)
  );
}

/** Path of the ledger in `stateDir`. */
export function usagePath(stateDir: string): string {
  return join(stateDir, USAGE_FILE_NAME);
}

/**
 * Reads the ledger; a missing file is an empty ledger. A damaged file is a
 * {@link ConfigurationError} naming KIMI_STATE_DIR (exit 2) rather than silently starting over.
 */
export async function readUsage(stateDir: string): Promise<StoredUsage> {
  const path = usagePath(stateDir);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return emptyUsage();
    throw new ConfigurationError(
      "KIMI_STATE_DIR",
      `Cannot read the usage ledger ${path} (${(error as Error).message}). Check KIMI_STATE_DIR and the file's permissions.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!isStoredUsage(parsed)) {
    throw new ConfigurationError(
      "KIMI_STATE_DIR",
      `The usage ledger ${path} is damaged (not the expected JSON). Run \`kimi-provider usage --reset\` to start over.`,
    );
  }
  // Ledgers written before web searches were counted lack `webSearchCalls`: start it at 0.
  const { version, since, updatedAt, byModel, ...totals } = parsed;
  const models = Object.entries(byModel).map(([id, model]) => [
    id,
    { ...emptyUsageTotals(), ...model },
  ]);
  return {
    version,
    since,
    updatedAt,
    ...emptyUsageTotals(),
    ...totals,
    byModel: Object.fromEntries(models),
  };
}

/** Writes the ledger atomically (temporary file + rename). */
export async function writeUsage(stateDir: string, ledger: StoredUsage): Promise<void> {
  await writeFileAtomic(usagePath(stateDir), `${JSON.stringify(ledger, null, 2)}\n`);
}

/**
 * Adds one call to the ledger on disk and returns the new totals. The read-modify-write holds a
 * cross-process lock so two chats finishing together both count.
 */
export async function recordUsage(stateDir: string, call: RecordableCall): Promise<StoredUsage> {
  await mkdir(stateDir, { recursive: true });
  return withFileLock(`${usagePath(stateDir)}.lock`, async () => {
    const next = addUsage(await readUsage(stateDir), call);
    await writeUsage(stateDir, next);
    return next;
  });
}
