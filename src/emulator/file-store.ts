/**
 * Uploaded files (reference §4.2, §6): in memory by default, or on disk under a directory the
 * user chooses, where they survive a restart (`{id}.bin` holds the bytes, `{id}.json` the
 * FileObject and the extracted text). Limits (count, per-file and total bytes) are enforced with
 * the service's messages (§5.2).
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
import { extractText } from "./text-extraction.ts";

/** The FileObject the API returns (§4.2). */
export interface FileObject {
  id: string;
  object: "file";
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  status: "ok" | "error";
  status_details: string;
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

/** Purposes the service accepts (§4.2: file-extract, image, video, batch). */
export const FILE_PURPOSES: ReadonlySet<string> = new Set([
  "file-extract",
  "image",
  "video",
  "batch",
]);

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

  /** Stores an upload after checking purpose and limits; extracts text for file-extract. */
  async add(filename: string, purpose: string, bytes: Uint8Array): Promise<FileObject> {
    if (!FILE_PURPOSES.has(purpose))
      throw invalidRequest("Invalid purpose: only 'file-extract' accepted");
    if (bytes.byteLength === 0) {
      throw invalidRequest("File size is zero, please confirm and re-upload the file");
    }
    this.checkSize(bytes.byteLength);
    if (this.#files.size >= this.limits.maxFiles) {
      throw invalidRequest(
        `The number of files you have uploaded exceeded the max file count ${this.limits.maxFiles}, please delete previous uploaded files`,
      );
    }
    if (this.#totalBytes + bytes.byteLength > this.limits.maxTotalBytes) {
      // No documented wording for the 10 GB total limit (§4.2); modelled on the count message.
      throw invalidRequest(
        `The total size of the files you have uploaded exceeded the max total size ${formatSize(this.limits.maxTotalBytes)}, please delete previous uploaded files`,
      );
    }
    const file: FileObject = {
      id: xid(),
      object: "file",
      bytes: bytes.byteLength,
      created_at: Math.floor(Date.now() / 1000),
      filename,
      purpose,
      status: "ok",
      status_details: "",
    };
    const stored: StoredFile = { file, fileType: "application/octet-stream" };
    if (purpose === "file-extract") {
      const extraction = await extractText(filename, bytes);
      stored.fileType = extraction.fileType;
      if (extraction.ok) stored.content = extraction.text;
      else {
        file.status = "error";
        file.status_details = extraction.error;
      }
    }
    this.#files.set(file.id, stored);
    this.#totalBytes += file.bytes;
    if (this.#dir) {
      await writeFile(join(this.#dir, `${file.id}.bin`), bytes);
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

  /** The `/content` body: a JSON string meant to be pasted into a system message (§4.2). */
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
