/**
 * Uploaded files (docs/moonshot-wire.md "Files"): in memory by default, or on disk under a
 * directory the user chooses, where they survive a restart (`{id}.bin` holds the bytes,
 * `{id}.json` the FileObject and the extracted text). Limits (count, per-file and total bytes)
 * are enforced with the service's messages.
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  EmulatorApiError,
  fileNotFound,
  invalidRequest,
  invalidRequestDetails,
} from "./error-responses.ts";
import { xid } from "./ids.ts";
import { sniffFormat } from "./image-format.ts";
import { extractText } from "./text-extraction.ts";
import type { UploadSpool } from "./upload-spool.ts";

/**
 * The FileObject the API returns, keys in the service's order (recorded in 2026: `status` is
 * `"ready"` and `file_type` follows `status_details`). `status` is `"error"` when text extraction
 * failed (the 2026 wording of a failure is not recorded).
 */
export interface FileObject {
  id: string;
  object: "file";
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  status: "ready" | "error";
  status_details: string;
  /** MIME type of the upload, e.g. `image/png`, `application/pdf`, `text/plain`. */
  file_type: string;
}

interface StoredFile {
  file: FileObject;
  /** Extracted text when extraction succeeded. */
  content?: string;
  fileType: string;
}

/** File limits. */
export interface FileLimits {
  maxFiles: number;
  maxFileBytes: number;
  maxTotalBytes: number;
}

/** Purposes the service accepts, in the order its refusal lists them (recorded, 2026). */
export const FILE_PURPOSES: readonly string[] = [
  "file-extract",
  "batch",
  "batch_output",
  "lambda",
  "image",
  "video",
];

/** The service's refusal of an unknown purpose (recorded, 2026). */
function invalidPurpose(purpose: string): EmulatorApiError {
  const names = FILE_PURPOSES.map((name) => `\`${name}\``);
  return invalidRequest(
    `Invalid purpose: ${purpose}, only ${names.slice(0, -1).join(", ")} and ${names.at(-1)} accepted`,
  );
}

/** "100MB" for the default; exact byte counts for odd test limits. */
export function formatSize(bytes: number): string {
  const units: [number, string][] = [
    [1024 ** 3, "GB"],
    [1024 ** 2, "MB"],
    [1024, "KB"],
  ];
  for (const [size, unit] of units)
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  return `${bytes}B`;
}

/** The file store. */
export class FileStore {
  readonly #dir: string | undefined;
  /** The limits in force. */
  readonly limits: FileLimits;
  readonly #files = new Map<string, StoredFile>();
  #totalBytes = 0;

  constructor(dir: string | undefined, limits: FileLimits) {
    this.#dir = dir;
    this.limits = limits;
  }

  /** Loads the files already on disk (no-op in memory mode). */
  async load(): Promise<void> {
    if (!this.#dir) return;
    await mkdir(this.#dir, { recursive: true });
    const names = (await readdir(this.#dir)).filter((name) => name.endsWith(".json")).sort();
    for (const name of names) {
      try {
        const stored = JSON.parse(await readFile(join(this.#dir, name), "utf8")) as StoredFile;
        if (stored?.file?.id) {
          // Files stored by an older emulator lack file_type; status "ok" is served as stored.
          stored.file.file_type ??= stored.fileType;
          this.#files.set(stored.file.id, stored);
          this.#totalBytes += stored.file.bytes;
        }
      } catch {
        // A half-written metadata file from a crash: skip it.
      }
    }
    const ordered = [...this.#files.values()].sort((a, b) => a.file.created_at - b.file.created_at);
    this.#files.clear();
    for (const stored of ordered) this.#files.set(stored.file.id, stored);
  }

  /** Checks an upload's size before its body is parsed (lets the server refuse early). */
  checkSize(bytes: number): void {
    if (bytes > this.limits.maxFileBytes) {
      throw invalidRequest(
        `File size is too large, max file size is ${formatSize(this.limits.maxFileBytes)}, please confirm and re-upload the file`,
      );
    }
  }

  /**
   * Stores an upload after checking purpose and limits; extracts text for file-extract (the only
   * case where the bytes are read into memory). On disk the bytes are moved into `{id}.bin`.
   */
  async add(filename: string, purpose: string, upload: UploadSpool): Promise<FileObject> {
    if (!FILE_PURPOSES.includes(purpose)) throw invalidPurpose(purpose);
    const size = upload.size;
    if (size === 0) {
      throw invalidRequest("File size is zero, please confirm and re-upload the file");
    }
    this.checkSize(size);
    if (this.#files.size >= this.limits.maxFiles) {
      throw invalidRequest(
        `The number of files you have uploaded exceeded the max file count ${this.limits.maxFiles}, please delete previous uploaded files`,
      );
    }
    if (this.#totalBytes + size > this.limits.maxTotalBytes) {
      // No documented wording for the 10 GB total limit; modelled on the count message.
      throw invalidRequest(
        `The total size of the files you have uploaded exceeded the max total size ${formatSize(this.limits.maxTotalBytes)}, please delete previous uploaded files`,
      );
    }
    const file: FileObject = {
      id: xid(),
      object: "file",
      bytes: size,
      created_at: Math.floor(Date.now() / 1000),
      filename,
      purpose,
      status: "ready",
      status_details: "",
      // Sniffed like the service sniffs images; extraction below names document types.
      file_type: (sniffFormat(upload.head).mime.split(";")[0] as string).trim(),
    };
    const stored: StoredFile = { file, fileType: file.file_type };
    if (purpose === "file-extract") {
      const extraction = await extractText(filename, await upload.bytes());
      stored.fileType = extraction.fileType;
      file.file_type = extraction.fileType;
      if (extraction.ok) stored.content = extraction.text;
      else {
        file.status = "error";
        file.status_details = extraction.error;
      }
    }
    this.#files.set(file.id, stored);
    this.#totalBytes += file.bytes;
    if (this.#dir) {
      await upload.moveTo(join(this.#dir, `${file.id}.bin`));
      await writeFile(join(this.#dir, `${file.id}.json`), JSON.stringify(stored));
    }
    return file;
  }

  /** Every file, oldest first. */
  list(): FileObject[] {
    return [...this.#files.values()].map((stored) => stored.file);
  }

  /** One file or 404. */
  get(id: string): FileObject {
    const stored = this.#files.get(id);
    if (!stored) throw fileNotFound(id);
    return stored.file;
  }

  /** The `/content` body: a JSON document meant to be pasted into a system message (recorded). */
  content(id: string): string {
    const stored = this.#files.get(id);
    if (!stored) throw fileNotFound(id);
    if (stored.file.purpose !== "file-extract") {
      throw invalidRequestDetails(
        `file ${id} has purpose '${stored.file.purpose}'; content is only available for 'file-extract' files`,
      );
    }
    if (stored.content === undefined) {
      throw new EmulatorApiError(
        500,
        "server_error",
        `Failed to extract file: ${stored.file.status_details}`,
      );
    }
    return JSON.stringify({
      content: stored.content,
      file_type: stored.fileType,
      filename: stored.file.filename,
      title: "",
      type: "file",
    });
  }

  /** Deletes a file or 404. */
  async delete(id: string): Promise<void> {
    const stored = this.#files.get(id);
    if (!stored) throw fileNotFound(id);
    this.#files.delete(id);
    this.#totalBytes -= stored.file.bytes;
    if (this.#dir) {
      await rm(join(this.#dir, `${id}.json`), { force: true });
      await rm(join(this.#dir, `${id}.bin`), { force: true });
    }
  }
}
