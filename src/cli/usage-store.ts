/**
 * The CLI's persistent usage ledger: totals of every `kimi-provider chat` run, kept in
 * `<state dir>/usage.json` (KIMI_STATE_DIR, default ~/.kimi-provider) and shown by
 * `kimi-provider usage`. Same totals as the library's in-memory `kimi.usage`, but across runs.
 */
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { CostBreakdown } from "../cost/pricing.ts";
import type { Usage } from "../cost/usage.ts";
import { withFileLock } from "../files/file-lock.ts";
import { ConfigurationError } from "../http/errors.ts";
import { writeFileAtomic } from "./atomic-write.ts";

/** File name of the ledger inside the state directory. */
export const USAGE_FILE_NAME = "usage.json";

/** Totals over a set of calls. */
export interface StoredTotals {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  /** `cachedTokens / promptTokens` (0 without prompt tokens). */
  cacheHitRate: number;
  /** Sum of the known costs, USD. */
  costUsd: number;
  /** Calls whose cost was unknown (model without a price), not in `costUsd`. */
  unpricedRequests: number;
}

/** The ledger file's content. */
export interface StoredUsage extends StoredTotals {
  version: 1;
  /** ISO time the totals started (creation or last reset). */
  since: string;
  /** ISO time of the last recorded call, `null` before the first. */
  updatedAt: string | null;
  byModel: Record<string, StoredTotals>;
}

/** What one chat run adds. */
export interface UsageRecord {
  model: string;
  usage: Usage;
  cost: Pick<CostBreakdown, "total">;
}

function emptyTotals(): StoredTotals {
  return {
    requests: 0,
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    reasoningTokens: 0,
    cacheHitRate: 0,
    costUsd: 0,
    unpricedRequests: 0,
  };
}

/** An empty ledger starting now. */
export function emptyUsage(now: Date = new Date()): StoredUsage {
  return { version: 1, since: now.toISOString(), updatedAt: null, ...emptyTotals(), byModel: {} };
}

function addTo(totals: StoredTotals, record: UsageRecord): void {
  totals.requests += 1;
  totals.promptTokens += record.usage.promptTokens;
  totals.completionTokens += record.usage.completionTokens;
  totals.cachedTokens += record.usage.cachedTokens;
  totals.reasoningTokens += record.usage.reasoningTokens ?? 0;
  if (record.cost.total === null) totals.unpricedRequests += 1;
  // Rounded so that sums of decimal prices stay readable (0.1 + 0.2).
  else totals.costUsd = Math.round((totals.costUsd + record.cost.total) * 1e12) / 1e12;
  totals.cacheHitRate = totals.promptTokens === 0 ? 0 : totals.cachedTokens / totals.promptTokens;
}

/** `ledger` plus one call (pure; returns a new object). */
export function addUsage(ledger: StoredUsage, record: UsageRecord, now = new Date()): StoredUsage {
  const next: StoredUsage = structuredClone(ledger);
  addTo(next, record);
  const model = next.byModel[record.model] ?? emptyTotals();
  addTo(model, record);
  next.byModel[record.model] = model;
  next.updatedAt = now.toISOString();
  return next;
}

function isTotals(value: unknown): value is StoredTotals {
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
  return parsed;
}

/** Writes the ledger atomically (temporary file + rename). */
export async function writeUsage(stateDir: string, ledger: StoredUsage): Promise<void> {
  await writeFileAtomic(usagePath(stateDir), `${JSON.stringify(ledger, null, 2)}\n`);
}

/**
 * Adds one call to the ledger on disk and returns the new totals. The read-modify-write holds a
 * cross-process lock so two chats finishing together both count.
 */
export async function recordUsage(stateDir: string, record: UsageRecord): Promise<StoredUsage> {
  await mkdir(stateDir, { recursive: true });
  return withFileLock(`${usagePath(stateDir)}.lock`, async () => {
    const next = addUsage(await readUsage(stateDir), record);
    await writeUsage(stateDir, next);
    return next;
  });
}
