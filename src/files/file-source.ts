/**
 * Turns what the caller gave (a path, a Blob, bytes) into an uploadable Blob, after the
 * client-side checks that must pass before any byte is sent: the file exists and is readable,
 * is a regular file, is not empty, is at most 100 MB (docs/moonshot-wire.md, "Files"), and the purpose is known.
 */
import { basename, resolve } from "node:path";
import { fsModule, fsPromises } from "../async/lazy-fs.ts";
import { FileValidationError } from "../errors/error-classes.ts";
import { FILE_PURPOSES, type FilePurpose, isFilePurpose, MAX_FILE_BYTES } from "./file-object.ts";

/** What can be uploaded: a path on disk, a `Blob`/`File`, or bytes (`Buffer`, `Uint8Array`). */
export type FileInput = string | Blob | Uint8Array;

/** A checked, ready-to-send file. */
export interface PreparedFile {
  /** How the file is named in messages and reports: the path as given, or the file name. */
  label: string;
  /** Name sent in the multipart form (Moonshot uses its extension to pick the extractor). */
  filename: string;
  /** Size in bytes. */
  bytes: number;
  purpose: FilePurpose;
  blob: Blob;
}

/** Name used for bytes given without a file name (Moonshot's own default, docs/moonshot-wire.md, "Files"). */
export const DEFAULT_UPLOAD_FILENAME = "upload";

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Throws {@link FileValidationError} unless `purpose` is one Moonshot accepts. */
export function checkPurpose(label: string, purpose: unknown): FilePurpose {
  if (!isFilePurpose(purpose)) {
    throw new FileValidationError(
      `Cannot upload ${label}: purpose ${JSON.stringify(purpose)} is not one Moonshot accepts. Use one of ${FILE_PURPOSES.map((p) => `"${p}"`).join(", ")} ("file-extract" for documents to chat about, "image"/"video" for vision).`,
      { file: label },
    );
  }
  return purpose;
}

/** Throws {@link FileValidationError} when `bytes` is 0 or above the 100 MB limit. */
export function checkSize(label: string, bytes: number): void {
  if (bytes === 0) {
    throw new FileValidationError(
      `Cannot upload ${label}: the file is empty (0 bytes) and Moonshot refuses empty files. Check you passed the right file.`,
      { file: label },
    );
  }
  if (bytes > MAX_FILE_BYTES) {
    throw new FileValidationError(
      `Cannot upload ${label}: it is ${megabytes(bytes)} (${bytes} bytes), over Moonshot's 100 MB per-file limit. Split or compress it first.`,
      { file: label },
    );
  }
}

function errorCode(error: unknown): string | undefined {
  return error && typeof error === "object" && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined;
}

async function preparePath(
  path: string,
  filename: string | undefined,
): Promise<Omit<PreparedFile, "purpose">> {
  const { access, constants, stat } = await fsPromises();
  const absolute = resolve(path);
  let size: number;
  try {
    const info = await stat(absolute);
    if (!info.isFile()) {
      throw new FileValidationError(
        `Cannot upload ${path}: it is ${info.isDirectory() ? "a directory" : "not a regular file"}. Pass the path of a file.`,
        { file: path },
      );
    }
    size = info.size;
    await access(absolute, constants.R_OK);
  } catch (error) {
    if (error instanceof FileValidationError) throw error;
    const code = errorCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new FileValidationError(
        `Cannot upload ${path}: no such file (resolved to ${absolute}). Check the path; relative paths are resolved from ${process.cwd()}.`,
        { file: path },
      );
    }
    if (code === "EACCES" || code === "EPERM") {
      throw new FileValidationError(
        `Cannot upload ${path}: the file is not readable by this process. Fix its permissions (e.g. chmod u+r) or run as its owner.`,
        { file: path },
      );
    }
    throw new FileValidationError(`Cannot upload ${path}: ${String(error)}. Check the file.`, {
      file: path,
    });
  }
  checkSize(path, size);
  const { openAsBlob } = await fsModule();
  const blob = await openAsBlob(absolute);
  return { label: path, filename: filename ?? basename(absolute), bytes: size, blob };
}

/**
 * Checks `input` and `purpose` and returns a {@link PreparedFile}; throws
 * {@link FileValidationError} naming the file and the fix. Sends nothing.
 */
export async function prepareFile(
  input: FileInput,
  purpose: unknown,
  filename?: string,
): Promise<PreparedFile> {
  let prepared: Omit<PreparedFile, "purpose">;
  if (typeof input === "string") {
    if (input.trim() === "") {
      throw new FileValidationError(
        "Cannot upload: the file path is empty. Pass the path of a file.",
        { file: input },
      );
    }
    checkPurpose(input, purpose);
    prepared = await preparePath(input, filename);
  } else if (input instanceof Blob) {
    const name =
      filename ?? (input instanceof File && input.name ? input.name : DEFAULT_UPLOAD_FILENAME);
    checkPurpose(name, purpose);
    checkSize(name, input.size);
    prepared = { label: name, filename: name, bytes: input.size, blob: input };
  } else if (input instanceof Uint8Array) {
    const name = filename ?? DEFAULT_UPLOAD_FILENAME;
    checkPurpose(name, purpose);
    checkSize(name, input.byteLength);
    // Copy into a plain ArrayBuffer-backed view: Blob parts must not be shared memory.
    prepared = {
      label: name,
      filename: name,
      bytes: input.byteLength,
      blob: new Blob([new Uint8Array(input)]),
    };
  } else {
    throw new FileValidationError(
      "Cannot upload: expected a file path (string), a Blob/File, or bytes (Buffer/Uint8Array).",
      { file: String(input) },
    );
  }
  return { ...prepared, purpose: checkPurpose(prepared.label, purpose) };
}
