/**
 * Group commit for the usage ledger. Answers finishing together are merged per ledger row and
 * written together, one atomic upsert per row, instead of one upsert each; a single answer still
 * costs exactly one upsert, and only complete answers are added.
 *
 * Two kinds of entry:
 * - urgent (a key with a daily budget: the next budget check, on any instance, must see it): the
 *   write starts at the end of the current turn of the event loop (`setImmediate`), and the
 *   answer's end is sent once it is committed;
 * - deferred (usage no decision depends on): written within {@link DEFERRED_WRITE_MS}, merged
 *   with everything else finishing meanwhile, and nobody waits for it. An urgent entry, or
 *   {@link LedgerWriter.drain} (the gateway's `close()`), takes the pending ones along at once.
 *   Deferred entries added while a write is in flight wait for their own deadline too, instead of
 *   being written as soon as that write ends: under steady load the ledger then commits about
 *   once per {@link DEFERRED_WRITE_MS}, not back to back (each commit of the embedded PGlite
 *   costs this thread about a millisecond of CPU, which back-to-back commits spent on every few
 *   requests).
 *
 * Why not write at once: the embedded PGlite runs a statement synchronously on this thread, so a
 * write started at once would never have a second answer to merge with, and a commit after every
 * answer blocks the next request for as long as the commit takes (the ledger was the gateway's
 * largest cost per request, under load and one request at a time alike).
 */
import type { Usage } from "kimi-provider";
import { sumUsage } from "kimi-provider/internal";
import type { SqlExecutor } from "./sql-database.ts";
import { recordUsage } from "./usage-ledger.ts";

/** How long a deferred entry may wait for others to share its write, in ms. */
export const DEFERRED_WRITE_MS = 20;

/** One finished request's addition to the ledger. */
export interface LedgerEntry {
  keyId: string;
  model: string;
  day: string;
  usage: Usage;
  /** USD, `null` when unpriced. */
  costUsd: number | null;
}

interface Batch {
  rows: Map<string, { entry: LedgerEntry; requests: number; cost: number; unpriced: number }>;
  /** Some entry is urgent: write as soon as possible. */
  urgent: boolean;
  /** `performance.now()` by which a deferred batch is written (its first entry's deadline). */
  deadline: number;
  done: Promise<void>;
  settle: (error?: unknown) => void;
}

function newBatch(deadline: number): Batch {
  let settle: (error?: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = (error?: unknown) => (error === undefined ? resolve() : reject(error));
  });
  // A batch nobody awaits (cannot happen: every add awaits) must not crash the process.
  done.catch(() => undefined);
  return { rows: new Map(), urgent: false, deadline, done, settle };
}

/** Writes ledger entries in merged batches. */
export class LedgerWriter {
  readonly #db: SqlExecutor;
  readonly #deferMs: number;
  #next: Batch | undefined;
  /** The write in progress, if any. */
  #writing: Promise<void> | undefined;
  #immediate = false;
  /** {@link LedgerWriter.drain} is running: write everything now. */
  #draining = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** `deferMs`: how long a deferred entry may wait (default {@link DEFERRED_WRITE_MS}). */
  constructor(db: SqlExecutor, deferMs = DEFERRED_WRITE_MS) {
    this.#db = db;
    this.#deferMs = deferMs;
  }

  /**
   * Adds `entry`; resolves once it is committed (rejects if its batch's write failed). `urgent`
   * (default): written at the end of this turn of the event loop; otherwise within the
   * constructor's `deferMs` ({@link DEFERRED_WRITE_MS}).
   */
  add(entry: LedgerEntry, urgent = true): Promise<void> {
    this.#next ??= newBatch(performance.now() + this.#deferMs);
    const batch = this.#next;
    if (urgent) batch.urgent = true;
    const rowKey = `${entry.keyId}\u0000${entry.model}\u0000${entry.day}`;
    const row = batch.rows.get(rowKey);
    if (row === undefined) {
      batch.rows.set(rowKey, {
        entry,
        requests: 1,
        cost: entry.costUsd ?? 0,
        unpriced: entry.costUsd === null ? 1 : 0,
      });
    } else {
      row.entry = { ...row.entry, usage: sumUsage(row.entry.usage, entry.usage) };
      row.requests += 1;
      row.cost += entry.costUsd ?? 0;
      row.unpriced += entry.costUsd === null ? 1 : 0;
    }
    // While a write is in flight, its loop takes this batch next: at once if urgent, else when
    // its deadline comes.
    if (this.#writing === undefined) {
      if (urgent) this.#writeAtEndOfTurn();
      else this.#writeWithin(this.#deferMs);
    }
    return batch.done;
  }

  /** Writes everything added so far now, and resolves once it is written (or failed). */
  async drain(): Promise<void> {
    this.#draining = true;
    try {
      for (;;) {
        if (this.#timer !== undefined) {
          clearTimeout(this.#timer);
          this.#timer = undefined;
        }
        if (this.#writing !== undefined) await this.#writing;
        else if (this.#next !== undefined) await this.#write();
        else return;
      }
    } finally {
      this.#draining = false;
    }
  }

  #writeAtEndOfTurn(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#immediate) return;
    this.#immediate = true;
    setImmediate(() => {
      this.#immediate = false;
      void this.#write();
    });
  }

  #writeWithin(ms: number): void {
    if (this.#immediate || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#write();
    }, ms);
  }

  #write(): Promise<void> {
    if (this.#writing !== undefined) return this.#writing;
    if (this.#next === undefined) return Promise.resolve();
    // #writeBatches awaits before it can finish, so #writing is set before it is cleared.
    this.#writing = this.#writeBatches();
    return this.#writing;
  }

  async #writeBatches(): Promise<void> {
    try {
      // The first batch is due (its timer fired, it is urgent, or drain asked); the ones added
      // during a write are written next only if urgent, overdue or being drained.
      for (let first = true; this.#next !== undefined; first = false) {
        const wait = this.#next.deadline - performance.now();
        if (!first && !this.#next.urgent && !this.#draining && wait > 0) {
          // Nothing waits for it: it gets its own deadline, merged with what comes meanwhile.
          this.#writeWithin(wait);
          break;
        }
        const batch = this.#next;
        this.#next = undefined;
        try {
          for (const row of batch.rows.values()) {
            await recordUsage(this.#db, {
              ...row.entry,
              requests: row.requests,
              costUsd: row.cost,
              unpricedRequests: row.unpriced,
            });
          }
          batch.settle();
        } catch (error) {
          batch.settle(error);
        }
      }
    } finally {
      // In the same step as the last look at #next: an entry added from now on schedules its own
      // write.
      this.#writing = undefined;
    }
  }
}
