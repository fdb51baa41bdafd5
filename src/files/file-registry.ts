/**
 * The local registry of files this library uploaded and has not deleted yet: a JSON file
 * (`<stateDir>/files.json`) that lets `files.cleanup()` find files left behind by a crash or a
 * forgotten delete (Moonshot's 1,000-file / 10 GB account quota makes them a real cost, §4.2).
 *
 * Safety: every change is made under a cross-process lock ({@link withFileLock}) as
 * read-modify-write, and written atomically (temp file, fsync, rename, fsync of the directory),
 * so two processes never lose each other's entries and a crash mid-write leaves either the old
 * or the new file, never a torn one. Readers need no lock: they always see a whole file.
 */
import { join } from "node:path";
import { ConfigurationError } from "../http/errors.ts";
import { writeFileAtomic } from "./atomic-write.ts";
import { withFileLock } from "./file-lock.ts";
import { fsPromises } from "./lazy-fs.ts";

/** One uploaded (or being uploaded) file. */
export interface RegistryEntry {
  /** Local id of the entry (a UUID), known before the service assigns a file id. */
  key: string;
  /** Base URL of the service the file went to; cleanup only touches its own host's entries. */
  baseURL: string;
  /** Moonshot's file id; `null` while the upload is in flight (or if it crashed mid-way). */
  id: string | null;
  filename: string;
  bytes: number;
  purpose: string;
  /** ISO time the upload started. */
  startedAt: string;
  /** ISO time the service confirmed the upload, `null` until then. */
  uploadedAt: string | null;
  /** Process that uploaded it (a pending entry of a live process is an upload in flight). */
  pid: number;
  /** Host name of that process. */
  host: string;
}

interface RegistryFile {
  version: 1;
  entries: RegistryEntry[];
}

/**
 * Keys of the uploads this process has in flight right now. A pending entry of this process that
 * is not here was cut off (abort, timeout, lost connection) and is not waiting for anything, even
 * though its pid is alive.
 */
export const uploadsInFlight = new Set<string>();

/** File name of the registry inside the state directory. */
export const REGISTRY_FILE_NAME = "files.json";

function errorCode(error: unknown): string | undefined {
  return error && typeof error === "object" && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined;
}

function isEntry(value: unknown): value is RegistryEntry {
  if (!value || typeof value !== "object") return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry.key === "string" &&
    typeof entry.baseURL === "string" &&
    (entry.id === null || typeof entry.id === "string") &&
    typeof entry.startedAt === "string"
  );
}

/** The uploaded-file registry stored under a state directory. */
export class FileRegistry {
  /** The state directory. */
  readonly stateDir: string;
  /** Path of the JSON file. */
  readonly path: string;
  /** Path of the lock file. */
  readonly lockPath: string;

  constructor(stateDir: string) {
    this.stateDir = stateDir;
    this.path = join(stateDir, REGISTRY_FILE_NAME);
    this.lockPath = `${this.path}.lock`;
  }

  /** Every entry, of every host. */
  async read(): Promise<RegistryEntry[]> {
    const { readFile, rename } = await fsPromises();
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if (errorCode(error) === "ENOENT") return [];
      throw this.#stateError(error);
    }
    try {
      const parsed = JSON.parse(text) as Partial<RegistryFile>;
      return Array.isArray(parsed.entries) ? parsed.entries.filter(isEntry) : [];
    } catch {
      // Cannot come from our atomic writes; keep the unreadable file for inspection instead of
      // overwriting it, and start a new registry.
      await rename(this.path, `${this.path}.corrupt-${Date.now()}`).catch(() => undefined);
      return [];
    }
  }

  /** Entries recorded for `baseURL`. */
  async entriesFor(baseURL: string): Promise<RegistryEntry[]> {
    return (await this.read()).filter((entry) => entry.baseURL === baseURL);
  }

  /**
   * Applies `change` to the entries under the lock and writes the result atomically.
   * Returns the new entries.
   */
  async update(change: (entries: RegistryEntry[]) => RegistryEntry[]): Promise<RegistryEntry[]> {
    const { mkdir } = await fsPromises();
    try {
      await mkdir(this.stateDir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw this.#stateError(error);
    }
    return withFileLock(this.lockPath, async () => {
      const next = change(await this.read());
      await this.#writeAtomically({ version: 1, entries: next });
      return next;
    });
  }

  /** Records a new entry. */
  async add(entry: RegistryEntry): Promise<void> {
    await this.update((entries) => [...entries, entry]);
  }

  /** Sets the file id of the entry `key` once the service confirmed the upload. */
  async confirm(key: string, id: string, uploadedAt: Date): Promise<void> {
    await this.update((entries) =>
      entries.map((entry) =>
        entry.key === key ? { ...entry, id, uploadedAt: uploadedAt.toISOString() } : entry,
      ),
    );
  }

  /** Removes entries by key. */
  async removeKeys(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const drop = new Set(keys);
    await this.update((entries) => entries.filter((entry) => !drop.has(entry.key)));
  }

  /** Removes the entries of `baseURL` whose file id is in `ids`. */
  async removeIds(baseURL: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const drop = new Set(ids);
    await this.update((entries) =>
      entries.filter(
        (entry) => !(entry.baseURL === baseURL && entry.id !== null && drop.has(entry.id)),
      ),
    );
  }

  async #writeAtomically(content: RegistryFile): Promise<void> {
    try {
      await writeFileAtomic(this.path, `${JSON.stringify(content, null, 2)}\n`);
    } catch (error) {
      throw this.#stateError(error);
    }
  }

  #stateError(error: unknown): ConfigurationError {
    return new ConfigurationError(
      "KIMI_STATE_DIR",
      `Cannot use the state directory ${this.stateDir} for the uploaded-file registry (${error instanceof Error ? error.message : String(error)}). Make it writable, or choose another with the \`stateDir\` option or KIMI_STATE_DIR.`,
    );
  }
}
