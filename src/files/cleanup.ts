/**
 * Cleanup of uploaded files. Moonshot keeps files until deleted and caps an account at 1,000
 * files / 10 GB (docs/moonshot-wire.md, "Files"), so files left behind by crashes, cut connections or
 * forgotten deletes cost quota. Two modes:
 * - tracked (default): delete what the registry says this library uploaded to this base URL.
 *   Pending entries (the upload's answer was never read) are reconciled against the account's
 *   file list: see {@link matchPending} for the rule.
 * - all: delete every file of the account, after listing them.
 * Both skip the files of a live process (an upload or chat-with-files still running, here or in
 * another process on this machine) unless `force`, and list the account again at the end.
 */

import { mapSettled } from "../async/concurrency.ts";
import { StateError } from "../errors/error-classes.ts";
import { KimiError } from "../errors/kimi-error.ts";
import { currentProcess, isProcessAlive, type ProcessIdentity } from "../state/process-identity.ts";
import type { FileObject } from "./file-object.ts";
import { entryOwner, filesInUse, type RegistryEntry, uploadsInFlight } from "./file-registry.ts";
import type { FilesApi } from "./files-api.ts";

/** Options of `files.cleanup()`: which files to delete (age, all of the account) and how. */
export interface CleanupOptions {
  /** Delete every file of the account, not only the tracked ones. */
  all?: boolean;
  /**
   * Only files older than this many ms: in tracked mode, whose upload started that long ago; with
   * `all`, created on the account that long ago.
   */
  olderThanMs?: number;
  /** Also delete files that a live process is still using (by default they are skipped). */
  force?: boolean;
  /** Deletions in flight at once (default 4). */
  concurrency?: number;
  signal?: AbortSignal;
}

/** A tracked file cleanup left alone, and why. */
export interface SkippedFile {
  /** The file id, `null` for an upload whose id is not known yet. */
  id: string | null;
  filename: string;
  /**
   * `in-use`: the process that uploaded it is still running (an upload or chat in progress);
   * `too-recent`: its upload started less than `olderThanMs` ago.
   */
  reason: "in-use" | "too-recent";
  /** The owner process. */
  pid: number;
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
  /** How many tracked files were left alone (see `skippedFiles`). */
  skipped: number;
  /** The tracked files left alone, and why. */
  skippedFiles: SkippedFile[];
}

/** Grace for clock difference between this machine and the service when matching by time. */
export const CLOCK_SKEW_SECONDS = 300;

/**
 * Whether the entry's owner is using it right now. In this process: an upload in flight or a file
 * a chat-with-files is using. Another process: that it is still running (pid and start identity).
 */
async function inUse(entry: RegistryEntry, self: ProcessIdentity): Promise<boolean> {
  const owner = entryOwner(entry);
  if (owner.pid === self.pid && owner.host === self.host && owner.start === self.start) {
    return uploadsInFlight.has(entry.key) || (entry.id !== null && filesInUse.has(entry.id));
  }
  return isProcessAlive(owner);
}

/**
 * The matching rule for pending entries: an account file matches when its filename, size in
 * bytes and purpose are equal to the entry's, and it was created between the upload's start and
 * its end (the time the attempt ended, or now if it never recorded one), widened by
 * {@link CLOCK_SKEW_SECONDS} on both sides for clock differences. Each file matches at most one
 * entry (oldest file first), and files some entry already knows by id are never matched.
 */
export function matchPending(
  pending: readonly RegistryEntry[],
  account: readonly FileObject[],
  claimed: Set<string>,
  now: number = Date.now(),
): Map<string, string> {
  const matches = new Map<string, string>();
  const candidates = [...account].sort((a, b) => a.created_at - b.created_at);
  for (const entry of pending) {
    const from = Math.floor(Date.parse(entry.startedAt) / 1000) - CLOCK_SKEW_SECONDS;
    const endMs = entry.endedAt === null ? now : Date.parse(entry.endedAt);
    const to = Math.ceil(endMs / 1000) + CLOCK_SKEW_SECONDS;
    const match = candidates.find(
      (file) =>
        !claimed.has(file.id) &&
        file.filename === entry.filename &&
        file.bytes === entry.bytes &&
        file.purpose === entry.purpose &&
        file.created_at >= from &&
        file.created_at <= to,
    );
    if (match) {
      claimed.add(match.id);
      matches.set(entry.key, match.id);
    }
  }
  return matches;
}

interface Deletions {
  deleted: string[];
  alreadyGone: string[];
  failed: { id: string; error: unknown }[];
  /** Deleted on the account, but the registry could not record it. */
  unrecorded: { id: string; error: StateError }[];
}

async function deleteIds(
  files: FilesApi,
  ids: string[],
  options: CleanupOptions,
): Promise<Deletions> {
  const outcomes = await mapSettled(ids, options.concurrency ?? 4, (id) =>
    files.delete(id, { signal: options.signal }),
  );
  const report: Deletions = { deleted: [], alreadyGone: [], failed: [], unrecorded: [] };
  outcomes.forEach((outcome, index) => {
    const id = ids[index] as string;
    if (outcome.status === "fulfilled") report.deleted.push(id);
    else if (outcome.reason instanceof StateError)
      report.unrecorded.push({ id, error: outcome.reason });
    else if (outcome.reason instanceof KimiError && outcome.reason.code === "not_found")
      report.alreadyGone.push(id);
    else report.failed.push({ id, error: outcome.reason });
  });
  return report;
}

/** Throws when files were deleted but the registry could not record it: say exactly that. */
function assertRecorded(files: FilesApi, unrecorded: Deletions["unrecorded"]): void {
  const first = unrecorded[0];
  if (first === undefined) return;
  const ids = unrecorded.map((u) => u.id).join(", ");
  const cause = first.error.cause instanceof StateError ? first.error.cause : first.error;
  throw new StateError(
    `Cleanup deleted ${unrecorded.length} file(s) from the account (${ids}), but could not record it in the local registry ${files.registry.path}: ${cause.message} Until that is fixed the registry still lists them; the next cleanup reports them as already gone.`,
    { code: cause.code, path: cause.path, cause: first.error },
  );
}

/** Runs a cleanup through `files`; see {@link CleanupOptions}. */
export async function cleanupFiles(
  files: FilesApi,
  options: CleanupOptions = {},
): Promise<CleanupReport> {
  const baseURL = files.registryBaseURL;
  const self = await currentProcess();
  // Read the registry first: damaged state fails here, before anything is deleted.
  const entries = await files.registry.entriesFor(baseURL);
  const account = await files.list({ signal: options.signal });
  const now = Date.now();

  const skippedFiles: SkippedFile[] = [];
  const eligible: RegistryEntry[] = [];
  const liveInFlight: RegistryEntry[] = [];
  for (const entry of entries) {
    const tooRecent =
      !options.all &&
      options.olderThanMs !== undefined &&
      now - Date.parse(entry.startedAt) < options.olderThanMs;
    if (tooRecent) {
      skippedFiles.push({
        id: entry.id,
        filename: entry.filename,
        reason: "too-recent",
        pid: entry.pid,
      });
    } else if (await inUse(entry, self)) {
      if (options.force) {
        eligible.push(entry);
        if (entry.id === null) liveInFlight.push(entry);
      } else {
        skippedFiles.push({
          id: entry.id,
          filename: entry.filename,
          reason: "in-use",
          pid: entry.pid,
        });
      }
    } else {
      eligible.push(entry);
    }
  }
  const skippedIds = new Set(skippedFiles.flatMap((s) => (s.id === null ? [] : [s.id])));
  // Every id any entry (even a skipped one) knows is not a candidate for a pending match.
  const claimed = new Set(entries.flatMap((entry) => (entry.id ? [entry.id] : [])));
  const pending = eligible.filter((entry) => entry.id === null);
  const matches = matchPending(pending, account, claimed, now);

  let ids: string[];
  if (options.all) {
    // Every account file (old enough) but those a live process uses.
    const cutoff =
      options.olderThanMs === undefined ? Infinity : (now - options.olderThanMs) / 1000;
    ids = account
      .filter((file) => file.created_at <= cutoff && !skippedIds.has(file.id))
      .map((file) => file.id);
  } else {
    const tracked = eligible.flatMap((entry) => (entry.id ? [entry.id] : []));
    ids = [...new Set([...tracked, ...matches.values()])];
  }
  const result = await deleteIds(files, ids, options);
  // Pending entries are settled now: matched ones were deleted above (or failed and stay for the
  // next run); unmatched ones never reached the service, except uploads still in flight (forced),
  // whose file may not exist yet: they stay.
  const failedIds = new Set(result.failed.map((f) => f.id));
  const settledKeys = pending
    .filter((entry) => {
      const id = matches.get(entry.key);
      if (id === undefined) return !liveInFlight.includes(entry);
      return !failedIds.has(id);
    })
    .map((entry) => entry.key);
  try {
    await files.registry.removeKeys(settledKeys);
  } catch (error) {
    if (!(error instanceof StateError)) throw error;
    result.unrecorded.push(
      ...settledKeys.flatMap((key) => {
        const id = matches.get(key);
        return id !== undefined && result.deleted.includes(id) ? [{ id, error }] : [];
      }),
    );
    if (result.unrecorded.length === 0) throw error;
  }
  assertRecorded(files, result.unrecorded);

  const wanted = new Set(ids);
  const after = await files.list({ signal: options.signal });
  const { deleted, alreadyGone, failed } = result;
  return {
    mode: options.all ? "all" : "tracked",
    deleted,
    alreadyGone,
    failed,
    remaining: after.filter((file) => wanted.has(file.id)),
    skipped: skippedFiles.length,
    skippedFiles,
  };
}
