/**
 * Who owns a registry entry: the process id plus an identity of that process's start, so that a
 * pid reused by an unrelated process after the owner died is not taken for the owner.
 *
 * On Linux the start identity is the boot id (`/proc/sys/kernel/random/boot_id`) and the process
 * start time in clock ticks since boot (field 22 of `/proc/<pid>/stat`, see proc(5)). Where
 * `/proc` does not exist (macOS, Windows) there is no cheap start identity: the owner is then
 * judged by its pid alone, and a reused pid can make a dead owner look alive (its files are
 * skipped by cleanup until `force`).
 */
import { hostname } from "node:os";
import { fsModule } from "../async/lazy-fs.ts";

/** The owner recorded with an entry. */
export interface ProcessIdentity {
  pid: number;
  /** Host name; the liveness of processes of other hosts cannot be checked. */
  host: string;
  /** Start identity (see the module comment), `null` where the platform offers none. */
  start: string | null;
}

// `node:fs` is loaded on first use (see lazy-fs.ts); these small /proc reads are synchronous.
let readText: ((path: string) => string) | undefined;
let bootId: string | null | undefined;

async function reader(): Promise<(path: string) => string> {
  if (readText === undefined) {
    const { readFileSync } = await fsModule();
    readText = (path) => readFileSync(path, "utf8");
  }
  return readText;
}

async function readBootId(): Promise<string | null> {
  if (bootId === undefined) {
    const read = await reader();
    try {
      bootId = read("/proc/sys/kernel/random/boot_id").trim();
    } catch {
      bootId = null;
    }
  }
  return bootId;
}

/** Start identity of `pid`, or `null` if there is no such process or the platform offers none. */
export async function processStart(pid: number): Promise<string | null> {
  const boot = await readBootId();
  if (boot === null) return null;
  const read = await reader();
  let stat: string;
  try {
    stat = read(`/proc/${pid}/stat`);
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may contain spaces: count after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const startTicks = fields[19]; // field 22 overall; fields[0] here is field 3
  return startTicks === undefined ? null : `${boot}:${startTicks}`;
}

let own: Promise<ProcessIdentity> | undefined;

/** This process's identity (computed once). */
export function currentProcess(): Promise<ProcessIdentity> {
  own ??= processStart(process.pid).then((start) => ({
    pid: process.pid,
    host: hostname(),
    start,
  }));
  return own;
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as { code?: unknown }).code === "EPERM";
  }
}

/**
 * Whether the process `owner` is still running on this host: same pid and, where recorded, same
 * start identity. Processes of other hosts count as not running (they cannot be checked).
 */
export async function isProcessAlive(owner: ProcessIdentity): Promise<boolean> {
  if (owner.host !== hostname()) return false;
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) return false;
  if (owner.start !== null) {
    const now = await processStart(owner.pid);
    if (now !== null) return now === owner.start;
    // No /proc entry: on Linux the process is gone; elsewhere fall back to the pid.
    if ((await readBootId()) !== null) return false;
  }
  return pidExists(owner.pid);
}
