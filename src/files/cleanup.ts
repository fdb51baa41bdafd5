/**
 * Cleanup of uploaded files. Moonshot keeps files until deleted and caps an account at 1,000
 * files / 10 GB (reference §4.2), so files left behind by crashes or forgotten deletes cost
 * quota. Two modes:
 * - tracked (default): delete what the registry says this library uploaded to this base URL;
 *   entries whose upload was cut off before the service answered (no id, process gone) are
 *   matched against the account's file list by name, size, purpose and time.
 * - all: delete every file of the account, after listing them.
 * Both list the account again at the end and report what remained.
 */
import { hostname } from "node:os";
import { KimiError } from "../http/errors.ts";
import { mapSettled } from "./concurrency.ts";
import type { FileObject } from "./file-object.ts";
import { type RegistryEntry, uploadsInFlight } from "./file-registry.ts";
import type { FilesApi } from "./files-api.ts";

/** Options of `files.cleanup()`. */
export interface CleanupOptions {
  /** Delete every file of the account, not only the tracked ones. */
  all?: boolean;
  /** Tracked mode: only files whose upload started more than this many ms ago. */
  olderThanMs?: number;
  /** Deletions in flight at once (default 4). */
  concurrency?: number;
  signal?: AbortSignal;
}

/** What a cleanup did. */
export interface CleanupReport {
  mode: "tracked" | "all";
  /** Ids deleted now. */
  deleted: string[];
  /** Tracked ids the service no longer had (dropped from the registry). */
  alreadyGone: string[];
  /** Ids whose deletion failed, with the error. */
  failed: { id: string; error: unknown }[];
  /** Files still on the account afterwards that this cleanup was meant to delete (final list). */
  remaining: FileObject[];
  /** Tracked entries left alone: uploads in flight in a live process, or newer than `olderThanMs`. */
  skipped: number;
}

/** Grace for clock difference between this machine and the service when matching by time. */
const CLOCK_SKEW_SECONDS = 300;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === "EPERM";
  }
}

/**
 * A pending entry (no id yet) whose process is still running is an upload in flight; for this
 * process, only while the upload is really running (an aborted one left its entry behind).
 */
function inFlight(entry: RegistryEntry): boolean {
  if (entry.id !== null || entry.host !== hostname()) return false;
  return entry.pid === process.pid ? uploadsInFlight.has(entry.key) : isAlive(entry.pid);
}

/** Pairs pending entries with account files that match their name, size, purpose and time. */
function reconcilePending(
  pending: RegistryEntry[],
  account: FileObject[],
  claimed: Set<string>,
): Map<string, string> {
  const matches = new Map<string, string>();
  const candidates = [...account].sort((a, b) => a.created_at - b.created_at);
  for (const entry of pending) {
    const startedSeconds = Math.floor(Date.parse(entry.startedAt) / 1000);
    const match = candidates.find(
      (file) =>
        !claimed.has(file.id) &&
        file.filename === entry.filename &&
        file.bytes === entry.bytes &&
        file.purpose === entry.purpose &&
        file.created_at >= startedSeconds - CLOCK_SKEW_SECONDS,
    );
    if (match) {
      claimed.add(match.id);
      matches.set(entry.key, match.id);
    }
  }
  return matches;
}

async function deleteIds(
  files: FilesApi,
  ids: string[],
  options: CleanupOptions,
): Promise<Pick<CleanupReport, "deleted" | "alreadyGone" | "failed">> {
  const outcomes = await mapSettled(ids, options.concurrency ?? 4, (id) =>
    files.delete(id, { signal: options.signal }),
  );
  const report: Pick<CleanupReport, "deleted" | "alreadyGone" | "failed"> = {
    deleted: [],
    alreadyGone: [],
    failed: [],
  };
  outcomes.forEach((outcome, index) => {
    const id = ids[index] as string;
    if (outcome.status === "fulfilled") report.deleted.push(id);
    else if (outcome.reason instanceof KimiError && outcome.reason.code === "not_found")
      report.alreadyGone.push(id);
    else report.failed.push({ id, error: outcome.reason });
  });
  return report;
}

/** Runs a cleanup through `files`; see {@link CleanupOptions}. */
export async function cleanupFiles(
  files: FilesApi,
  options: CleanupOptions = {},
): Promise<CleanupReport> {
  const baseURL = files.baseURL;
  const account = await files.list({ signal: options.signal });

  if (options.all) {
    const ids = account.map((file) => file.id);
    const result = await deleteIds(files, ids, options);
    // Pending entries of dead processes for this host are resolved by deleting everything.
    await files.registry.update((entries) =>
      entries.filter(
        (entry) => !(entry.baseURL === baseURL && entry.id === null && !inFlight(entry)),
      ),
    );
    const after = await files.list({ signal: options.signal });
    return { mode: "all", ...result, remaining: after, skipped: 0 };
  }

  const now = Date.now();
  const entries = await files.registry.entriesFor(baseURL);
  const eligible: RegistryEntry[] = [];
  let skipped = 0;
  for (const entry of entries) {
    const oldEnough =
      options.olderThanMs === undefined || now - Date.parse(entry.startedAt) >= options.olderThanMs;
    if (!oldEnough || inFlight(entry)) skipped++;
    else eligible.push(entry);
  }
  const trackedIds = eligible.flatMap((entry) => (entry.id ? [entry.id] : []));
  // Every id any entry (even a skipped one) knows is not a candidate for a pending match.
  const claimed = new Set(entries.flatMap((entry) => (entry.id ? [entry.id] : [])));
  const pending = eligible.filter((entry) => entry.id === null);
  const matches = reconcilePending(pending, account, claimed);

  const ids = [...new Set([...trackedIds, ...matches.values()])];
  const result = await deleteIds(files, ids, options);
  // Pending entries are settled now: matched ones were deleted above (or failed and stay
  // listed in `failed`), unmatched ones never reached the service.
  const settledKeys = pending
    .filter((entry) => {
      const id = matches.get(entry.key);
      return id === undefined || !result.failed.some((f) => f.id === id);
    })
    .map((entry) => entry.key);
  await files.registry.removeKeys(settledKeys);

  const wanted = new Set(ids);
  const after = await files.list({ signal: options.signal });
  return {
    mode: "tracked",
    ...result,
    remaining: after.filter((file) => wanted.has(file.id)),
    skipped,
  };
}
