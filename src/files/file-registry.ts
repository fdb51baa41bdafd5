/**
 * The local registry of files this library uploaded and has not deleted yet: the table
 * `uploaded_files` of the state database (`<stateDir>/state.db`, docs/local-state.md). It lets
 * `files.cleanup()` find files left behind by a crash, a cut connection or a forgotten delete
 * (Moonshot's 1,000-file / 10 GB account quota makes them a real cost, docs/moonshot-wire.md).
 *
 * An entry is written before the upload is sent (`pending`: no file id yet), gets its id when the
 * service's answer is read, and is removed when the file is deleted or known never to have been
 * stored. Every change is one SQLite write transaction, so concurrent processes never lose each
 * other's entries and a crash leaves the last committed state.
 */

import type { ProcessIdentity } from "../state/process-identity.ts";
import { openStateDatabase, stateDatabasePath } from "../state/state-database.ts";

/** One uploaded (or being uploaded) file. */
export interface RegistryEntry {
  /** Local id of the entry (a UUID), known before the service assigns a file id. */
  key: string;
  /** Base URL of the service the file went to; cleanup only touches its own host's entries. */
  baseURL: string;
  /**
   * Moonshot's file id; `null` while the entry is pending: the upload is in flight, or it ended
   * without a readable answer (cut connection, timeout, abort, crash), so whether the service
   * stored the file is unknown until cleanup reconciles it against the account's file list.
   */
  id: string | null;
  filename: string;
  bytes: number;
  purpose: string;
  /** ISO time the upload started. */
  startedAt: string;
  /** ISO time a pending upload ended without a known outcome, `null` otherwise. */
  endedAt: string | null;
  /** ISO time the service confirmed the upload, `null` until then. */
  uploadedAt: string | null;
  /** Process that uploaded it; while it runs, cleanup leaves the file alone (unless forced). */
  pid: number;
  /** Host name of that process. */
  host: string;
  /** Start identity of that process, so a reused pid is not taken for it (see process-identity.ts). */
  ownerStart: string | null;
}

/**
 * Keys of the uploads this process has in flight right now. A pending entry of this process that
 * is not here was cut off (abort, timeout, lost connection) and is not waiting for anything, even
 * though its pid is alive.
 */
export const uploadsInFlight = new Set<string>();

/**
 * Ids of the files this process is using right now (a chat-with-files between upload and
 * deletion). Cleanup in this same process skips them like a live process's files.
 */
export const filesInUse = new Set<string>();

interface Row {
  key: string;
  base_url: string;
  file_id: string | null;
  filename: string;
  bytes: number;
  purpose: string;
  started_at: string;
  ended_at: string | null;
  uploaded_at: string | null;
  owner_pid: number;
  owner_host: string;
  owner_start: string | null;
}

function fromRow(row: Row): RegistryEntry {
  return {
    key: row.key,
    baseURL: row.base_url,
    id: row.file_id,
    filename: row.filename,
    bytes: row.bytes,
    purpose: row.purpose,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    uploadedAt: row.uploaded_at,
    pid: row.owner_pid,
    host: row.owner_host,
    ownerStart: row.owner_start,
  };
}

const INSERT = `INSERT INTO uploaded_files
  (key, base_url, file_id, filename, bytes, purpose, started_at, ended_at, uploaded_at,
   owner_pid, owner_host, owner_start)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

function insertValues(entry: RegistryEntry): (string | number | null)[] {
  return [
    entry.key,
    entry.baseURL,
    entry.id,
    entry.filename,
    entry.bytes,
    entry.purpose,
    entry.startedAt,
    entry.endedAt,
    entry.uploadedAt,
    entry.pid,
    entry.host,
    entry.ownerStart,
  ];
}

/** The owner of an entry, as {@link ProcessIdentity}. */
export function entryOwner(entry: RegistryEntry): ProcessIdentity {
  return { pid: entry.pid, host: entry.host, start: entry.ownerStart };
}

/** The uploaded-file registry stored under a state directory. */
export class FileRegistry {
  /** The directory holding the local state (`state.db`). */
  readonly stateDir: string;
  /** Path of the state database that holds the registry. */
  readonly path: string;

  constructor(stateDir: string) {
    this.stateDir = stateDir;
    this.path = stateDatabasePath(stateDir);
  }

  /** Every entry, of every base URL, oldest first. */
  async read(): Promise<RegistryEntry[]> {
    const database = await openStateDatabase(this.stateDir);
    return database.read((db) =>
      (db.prepare("SELECT * FROM uploaded_files ORDER BY rowid").all() as unknown as Row[]).map(
        fromRow,
      ),
    );
  }

  /** Entries recorded for `baseURL`. */
  async entriesFor(baseURL: string): Promise<RegistryEntry[]> {
    return (await this.read()).filter((entry) => entry.baseURL === baseURL);
  }

  /**
   * Replaces the entries with `change(entries)` in one write transaction (no other process
   * changes the registry in between). Returns the new entries.
   */
  async update(change: (entries: RegistryEntry[]) => RegistryEntry[]): Promise<RegistryEntry[]> {
    const database = await openStateDatabase(this.stateDir);
    return database.write((db) => {
      const current = (
        db.prepare("SELECT * FROM uploaded_files ORDER BY rowid").all() as unknown as Row[]
      ).map(fromRow);
      const next = change(current);
      db.exec("DELETE FROM uploaded_files");
      const insert = db.prepare(INSERT);
      for (const entry of next) insert.run(...insertValues(entry));
      return next;
    });
  }

  /** Records a new entry. */
  async add(entry: RegistryEntry): Promise<void> {
    const database = await openStateDatabase(this.stateDir);
    await database.write((db) => db.prepare(INSERT).run(...insertValues(entry)));
  }

  /** Sets the file id of the entry `key` once the service confirmed the upload. */
  async confirm(key: string, id: string, uploadedAt: Date): Promise<void> {
    const database = await openStateDatabase(this.stateDir);
    await database.write((db) =>
      db
        .prepare(
          "UPDATE uploaded_files SET file_id = ?, uploaded_at = ?, ended_at = NULL WHERE key = ?",
        )
        .run(id, uploadedAt.toISOString(), key),
    );
  }

  /** Marks the pending entry `key` as ended without a known outcome (at `endedAt`). */
  async markEnded(key: string, endedAt: Date): Promise<void> {
    const database = await openStateDatabase(this.stateDir);
    await database.write((db) =>
      db
        .prepare("UPDATE uploaded_files SET ended_at = ? WHERE key = ? AND file_id IS NULL")
        .run(endedAt.toISOString(), key),
    );
  }

  /** Removes entries by key. */
  async removeKeys(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const database = await openStateDatabase(this.stateDir);
    await database.write((db) => {
      const remove = db.prepare("DELETE FROM uploaded_files WHERE key = ?");
      for (const key of keys) remove.run(key);
    });
  }

  /** Removes the entries of `baseURL` whose file id is in `ids`. */
  async removeIds(baseURL: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const database = await openStateDatabase(this.stateDir);
    await database.write((db) => {
      const remove = db.prepare("DELETE FROM uploaded_files WHERE base_url = ? AND file_id = ?");
      for (const id of ids) remove.run(baseURL, id);
    });
  }
}
