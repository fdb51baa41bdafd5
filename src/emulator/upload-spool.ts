/**
 * Where the bytes of one uploaded file wait while the upload is parsed and stored: in memory up
 * to a threshold (`limits.uploadMemoryBytes`, 1 MiB by default), then in a temporary file, so a
 * large upload never sits whole in memory, whether or not the emulator keeps files on disk
 * (docs/emulator.md "Resource limits"). The temporary file is removed once the upload is
 * stored (or refused), and every one left is removed when the emulator closes.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Bytes kept for sniffing the file type (image signatures need a few dozen). */
const HEAD_BYTES = 512;

/** The directory temporary upload files go to; created on first use, removed by `close()`. */
export class SpoolDirectory {
  readonly #parent: string | undefined;
  #dir: Promise<string> | undefined;
  readonly #open = new Set<string>();

  /** `parent`: a directory of the caller's (e.g. `<filesDir>/.uploads`); default a fresh one under the OS temp dir. */
  constructor(parent: string | undefined) {
    this.#parent = parent;
  }

  /** A fresh file path in the directory, tracked until {@link forget} or {@link close}. */
  async newPath(): Promise<string> {
    this.#dir ??= this.#parent
      ? mkdir(this.#parent, { recursive: true }).then(() => this.#parent as string)
      : mkdtemp(join(tmpdir(), "kimi-emulator-uploads-"));
    const path = join(await this.#dir, `upload-${randomBytes(8).toString("hex")}.part`);
    this.#open.add(path);
    return path;
  }

  /** Stops tracking a path that was removed or moved. */
  forget(path: string): void {
    this.#open.delete(path);
  }

  /** Removes every temporary file still present (and the directory when it is our own). */
  async close(): Promise<void> {
    const paths = [...this.#open];
    this.#open.clear();
    await Promise.all(paths.map((path) => rm(path, { force: true })));
    if (this.#dir && !this.#parent) await rm(await this.#dir, { recursive: true, force: true });
  }
}

/** The bytes of one uploaded file: in memory, or spooled to a temporary file past a threshold. */
export class UploadSpool {
  readonly #spool: SpoolDirectory;
  readonly #memoryLimit: number;
  #chunks: Buffer[] = [];
  #head: Buffer = Buffer.alloc(0);
  #file: { path: string; stream: WriteStream } | undefined;
  #path: string | undefined;
  /** A write error of the temporary file (a full disk), reported by {@link finish}. */
  #error: Error | undefined;
  /** Bytes received so far. */
  size = 0;

  constructor(spool: SpoolDirectory, memoryLimit: number) {
    this.#spool = spool;
    this.#memoryLimit = memoryLimit;
  }

  /** The temporary file, when the bytes went to disk. */
  get path(): string | undefined {
    return this.#path;
  }

  /** The first bytes, for sniffing the type. */
  get head(): Buffer {
    return this.#head;
  }

  /** Adds bytes; resolves once the file (if any) has taken them, so the request is read no faster than the disk writes. */
  async write(chunk: Buffer): Promise<void> {
    if (chunk.length === 0) return;
    this.size += chunk.length;
    if (this.#head.length < HEAD_BYTES) {
      this.#head = Buffer.concat([this.#head, chunk.subarray(0, HEAD_BYTES - this.#head.length)]);
    }
    if (!this.#file && this.size <= this.#memoryLimit) {
      this.#chunks.push(chunk);
      return;
    }
    if (!this.#file) {
      const path = await this.#spool.newPath();
      this.#path = path;
      const stream = createWriteStream(path, { flags: "wx" });
      stream.on("error", (error) => {
        this.#error = error;
      });
      this.#file = { path, stream };
      const buffered = this.#chunks;
      this.#chunks = [];
      for (const piece of buffered) await this.#writeFile(piece);
    }
    await this.#writeFile(chunk);
  }

  #writeFile(chunk: Buffer): Promise<void> {
    const stream = (this.#file as { stream: WriteStream }).stream;
    if (this.#error) return Promise.reject(this.#error);
    if (stream.write(chunk)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onDrain = () => {
        stream.off("close", onClose);
        resolve();
      };
      const onClose = () => {
        stream.off("drain", onDrain);
        reject(this.#error ?? new Error("the temporary upload file closed"));
      };
      stream.once("drain", onDrain);
      stream.once("close", onClose);
    });
  }

  /** Flushes the temporary file, if any; rejects with its write error. */
  async finish(): Promise<void> {
    const file = this.#file;
    if (!file) return;
    await new Promise<void>((resolve) => file.stream.end(() => resolve()));
    if (this.#error) throw this.#error;
  }

  /** All the bytes, read into memory (for text extraction). */
  async bytes(): Promise<Uint8Array> {
    if (this.#path) return new Uint8Array(await readFile(this.#path));
    return this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks);
  }

  /** Stores the bytes at `destination` (a rename when they are on disk already). */
  async moveTo(destination: string): Promise<void> {
    const path = this.#path;
    if (!path) {
      await writeFile(destination, await this.bytes());
      return;
    }
    try {
      await rename(path, destination);
    } catch {
      // Another file system (a temp dir elsewhere): copy, then remove.
      await copyFile(path, destination);
      await rm(path, { force: true });
    }
    this.#path = undefined;
    this.#spool.forget(path);
  }

  /** Forgets the bytes and removes the temporary file. */
  async discard(): Promise<void> {
    this.#chunks = [];
    const file = this.#file;
    const path = this.#path;
    this.#path = undefined;
    if (file && !file.stream.closed) {
      await new Promise<void>((resolve) => {
        file.stream.once("close", () => resolve());
        file.stream.destroy();
      });
    }
    if (path) {
      await rm(path, { force: true });
      this.#spool.forget(path);
    }
  }
}
