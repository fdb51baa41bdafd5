/**
 * A small cross-process lock on a file, made with `open(path, "wx")` (exclusive create), which
 * is atomic on local file systems. The lock file holds the owner's pid, host and time, so a lock
 * left behind by a crashed process (dead pid on this host, or older than `staleMs`) is broken
 * instead of blocking every later process.
 */
import { hostname } from "node:os";
import { ConfigurationError } from "../http/errors.ts";
import { fsPromises } from "./lazy-fs.ts";

/** Settings of {@link withFileLock}. */
export interface FileLockOptions {
  /** Give up after this long, in ms (default 10 000). */
  timeoutMs?: number;
  /** A lock older than this is considered abandoned, in ms (default 30 000). */
  staleMs?: number;
}

interface LockOwner {
  token: string;
  pid: number;
  host: string;
  acquiredAt: number;
}

function errorCode(error: unknown): string | undefined {
  return error && typeof error === "object" && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(error) === "EPERM";
  }
}

async function readOwner(
  lockPath: string,
): Promise<{ raw: string; owner: LockOwner | undefined } | undefined> {
  const { readFile } = await fsPromises();
  let raw: string;
  try {
    raw = await readFile(lockPath, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }
  try {
    const owner = JSON.parse(raw) as LockOwner;
    return { raw, owner: typeof owner.pid === "number" ? owner : undefined };
  } catch {
    // Written but not yet filled by its owner, or garbage: judged by age below.
    return { raw, owner: undefined };
  }
}

function isStale(owner: LockOwner | undefined, staleMs: number, now: number): boolean {
  if (!owner) return false;
  if (now - owner.acquiredAt > staleMs) return true;
  return owner.host === hostname() && !isAlive(owner.pid);
}

/** Breaks the lock only if it still holds exactly what we judged stale. */
async function breakStaleLock(lockPath: string, staleRaw: string): Promise<void> {
  const { link, readFile, rename, unlink } = await fsPromises();
  const aside = `${lockPath}.stale-${globalThis.crypto.randomUUID()}`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return; // someone else broke it first
    throw error;
  }
  const moved = await readFile(aside, "utf8").catch(() => "");
  if (moved !== staleRaw) {
    // Between our read and the rename, another process broke the stale lock and took a fresh
    // one, which we just moved: put it back (link fails if a newer lock already exists).
    await link(aside, lockPath).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}

async function acquire(lockPath: string, timeoutMs: number, staleMs: number): Promise<LockOwner> {
  const { open } = await fsPromises();
  const deadline = Date.now() + timeoutMs;
  let unparsableSince: number | undefined;
  for (;;) {
    const owner: LockOwner = {
      token: globalThis.crypto.randomUUID(),
      pid: process.pid,
      host: hostname(),
      acquiredAt: Date.now(),
    };
    try {
      const handle = await open(lockPath, "wx", 0o600);
      try {
        await handle.writeFile(JSON.stringify(owner));
      } finally {
        await handle.close();
      }
      return owner;
    } catch (error) {
      if (errorCode(error) !== "EEXIST") throw error;
    }
    const current = await readOwner(lockPath);
    const now = Date.now();
    if (current) {
      if (current.owner === undefined) {
        unparsableSince ??= now;
        if (now - unparsableSince > staleMs) await breakStaleLock(lockPath, current.raw);
      } else if (isStale(current.owner, staleMs, now)) {
        await breakStaleLock(lockPath, current.raw);
        continue;
      }
    }
    if (now >= deadline) {
      const holder = current?.owner
        ? ` (held by pid ${current.owner.pid} on ${current.owner.host})`
        : "";
      throw new ConfigurationError(
        "KIMI_STATE_DIR",
        `Could not lock ${lockPath} within ${timeoutMs} ms${holder}. Another kimi-provider process is writing its file registry; retry, or delete the lock file if no such process is running.`,
      );
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 5 + Math.floor(Math.random() * 20)));
  }
}

async function release(lockPath: string, owner: LockOwner): Promise<void> {
  const { unlink } = await fsPromises();
  const current = await readOwner(lockPath);
  // Only remove our own lock: if ours was judged stale and broken, the file is someone else's.
  if (current?.owner?.token === owner.token) await unlink(lockPath).catch(() => undefined);
}

/** Runs `action` while holding the lock file `lockPath`, across processes. */
export async function withFileLock<T>(
  lockPath: string,
  action: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const owner = await acquire(lockPath, options.timeoutMs ?? 10_000, options.staleMs ?? 30_000);
  try {
    return await action();
  } finally {
    await release(lockPath, owner);
  }
}
