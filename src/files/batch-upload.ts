/**
 * Uploading many files: every file is checked first, then uploaded with bounded concurrency,
 * with a progress callback after each file. One file's failure never stops the others; the
 * result says which files failed and why. Nothing is deleted unless asked
 * (`deleteUploadedOnFailure`), and then only the files this batch itself uploaded.
 */

import { mapSettled } from "../async/concurrency.ts";
import { AbortError } from "../errors/error-classes.ts";
import type { FilePurpose } from "./file-object.ts";
import { type FileInput, type PreparedFile, prepareFile } from "./file-source.ts";
import type { FilesApi, UploadedFile } from "./files-api.ts";

/** One file of a batch: an input, or an input with its own name/purpose. */
export type BatchUploadItem =
  | FileInput
  | { file: FileInput; filename?: string; purpose?: FilePurpose };

/** Reported after each file finishes (uploaded or failed). */
export interface UploadProgress {
  /** Position of the file in the input list. */
  index: number;
  /** Path or name of the file. */
  label: string;
  /** Files finished so far (including this one). */
  completed: number;
  total: number;
  succeeded: number;
  failed: number;
  /** The uploaded file, when this one succeeded. */
  file?: UploadedFile;
  /** Why it failed, when it did. */
  error?: unknown;
}

/** Options of `files.uploadMany()`: concurrency, progress callback, cancellation, clean-up on failure. */
export interface BatchUploadOptions {
  /** Purpose for items that do not name one (default `"file-extract"`). */
  purpose?: FilePurpose;
  /** Uploads in flight at once (default 4). */
  concurrency?: number;
  /** Called after each file. Exceptions it throws are ignored. */
  onProgress?: (progress: UploadProgress) => void;
  /** Stops starting new uploads and cancels those in flight. */
  signal?: AbortSignal;
  /** When any file failed, delete the files this batch uploaded (default false). */
  deleteUploadedOnFailure?: boolean;
}

/** A file of the batch that could not be uploaded. */
export interface FailedUpload {
  index: number;
  label: string;
  /** The typed error (FileValidationError, InvalidRequestError, NetworkError...). */
  error: unknown;
}

/** Outcome of a batch upload. */
export interface BatchUploadResult {
  /** True when every file was uploaded. */
  ok: boolean;
  /** Uploaded files, in input order. */
  uploaded: UploadedFile[];
  /** Failed files, in input order. */
  failed: FailedUpload[];
  /** Per input, in order: the uploaded file or the failure. */
  results: (
    | { index: number; status: "uploaded"; file: UploadedFile }
    | ({ status: "failed" } & FailedUpload)
  )[];
  /** Ids deleted because of `deleteUploadedOnFailure`. */
  rolledBack: string[];
}

function itemParts(item: BatchUploadItem): {
  file: FileInput;
  filename: string | undefined;
  purpose: FilePurpose | undefined;
} {
  if (typeof item === "string" || item instanceof Blob || item instanceof Uint8Array) {
    return { file: item, filename: undefined, purpose: undefined };
  }
  return { file: item.file, filename: item.filename, purpose: item.purpose };
}

function labelOf(item: BatchUploadItem, index: number): string {
  const { file, filename } = itemParts(item);
  if (filename) return filename;
  if (typeof file === "string") return file;
  if (file instanceof File && file.name) return file.name;
  return `#${index}`;
}

/** Uploads `items` through `files`; see {@link BatchUploadOptions}. */
export async function uploadMany(
  files: FilesApi,
  items: readonly BatchUploadItem[],
  options: BatchUploadOptions = {},
): Promise<BatchUploadResult> {
  const total = items.length;
  let completed = 0;
  let succeeded = 0;
  let failedCount = 0;
  const report = (
    progress: Omit<UploadProgress, "completed" | "total" | "succeeded" | "failed">,
  ) => {
    completed++;
    if (progress.file) succeeded++;
    else failedCount++;
    try {
      options.onProgress?.({ ...progress, completed, total, succeeded, failed: failedCount });
    } catch {
      // A failing progress callback must not turn an uploaded file into an untracked failure.
    }
  };

  // Checks run for every file before any byte is sent.
  const prepared = await mapSettled(items, 8, (item) => {
    const { file, filename, purpose } = itemParts(item);
    return prepareFile(file, purpose ?? options.purpose ?? "file-extract", filename);
  });

  const settled = await mapSettled(prepared, options.concurrency ?? 4, async (check, index) => {
    const label =
      check.status === "fulfilled"
        ? check.value.label
        : labelOf(items[index] as BatchUploadItem, index);
    try {
      if (check.status === "rejected") throw check.reason;
      if (options.signal?.aborted)
        throw new AbortError(`The batch upload was aborted before ${label} was sent.`);
      const file = await files.uploadPrepared(check.value as PreparedFile, options.signal);
      report({ index, label, file });
      return file;
    } catch (error) {
      report({ index, label, error });
      throw error;
    }
  });

  const results: BatchUploadResult["results"] = settled.map((outcome, index) => {
    if (outcome.status === "fulfilled") return { index, status: "uploaded", file: outcome.value };
    const check = prepared[index];
    const label =
      check?.status === "fulfilled"
        ? check.value.label
        : labelOf(items[index] as BatchUploadItem, index);
    return { index, status: "failed", label, error: outcome.reason };
  });
  const uploaded = results.flatMap((r) => (r.status === "uploaded" ? [r.file] : []));
  const failed = results.flatMap((r) =>
    r.status === "failed" ? [{ index: r.index, label: r.label, error: r.error }] : [],
  );

  const rolledBack: string[] = [];
  if (failed.length > 0 && options.deleteUploadedOnFailure) {
    // Only this batch's own uploads are deleted; never anything found on the account.
    const deletions = await mapSettled(uploaded, options.concurrency ?? 4, (file) =>
      files.delete(file.id),
    );
    deletions.forEach((d, i) => {
      const file = uploaded[i];
      if (d.status === "fulfilled" && file) rolledBack.push(file.id);
    });
  }
  return { ok: failed.length === 0, uploaded, failed, results, rolledBack };
}
