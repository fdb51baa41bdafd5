/**
 * Group commit for the usage ledger. Every answer is added to the ledger before its end is sent
 * (so a budget checked by the next request, on any instance, sees it); under concurrency, the
 * answers finishing in the same turn of the event loop, or while one write is in flight, are
 * merged per ledger row and written together, one atomic upsert per row, instead of one upsert
 * each. A single request still costs exactly one upsert.
 *
 * The write waits for the end of the current turn (`setImmediate`) before it starts: the embedded
 * PGlite runs a statement synchronously, so its promise settles before any other I/O callback
 * runs, and a write started at once would never have a second answer to merge with (every
 * request paid a full commit, which made the ledger the gateway's largest cost under load).
 */
import { sumUsage, type Usage } from "../cost/usage.ts";
import type { SqlExecutor } from "./sql-database.ts";
import { recordUsage } from "./usage-ledger.ts";

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
  done: Promise<void>;
  settle: (error?: unknown) => void;
}

function newBatch(): Batch {
  let settle: (error?: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = (error?: unknown) => (error === undefined ? resolve() : reject(error));
  });
  // A batch nobody awaits (cannot happen: every add awaits) must not crash the process.
  done.catch(() => undefined);
  return { rows: new Map(), done, settle };
}

/** Writes ledger entries in merged batches. */
export class LedgerWriter {
  readonly #db: SqlExecutor;
  #next: Batch | undefined;
  #writing = false;
  #scheduled = false;
  #idle: Promise<void> = Promise.resolve();

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  /** Adds `entry`; resolves once it is committed (rejects if its batch's write failed). */
  add(entry: LedgerEntry): Promise<void> {
    this.#next ??= newBatch();
    const batch = this.#next;
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
    if (!this.#writing && !this.#scheduled) {
      this.#scheduled = true;
      this.#idle = new Promise((resolve) =>
        setImmediate(() => {
          this.#scheduled = false;
          void this.#flush().then(resolve);
        }),
      );
    }
    return batch.done;
  }

  /** Resolves once every entry added so far is written (or failed): call before closing the database. */
  async drain(): Promise<void> {
    while (this.#scheduled || this.#writing) await this.#idle;
  }

  async #flush(): Promise<void> {
    if (this.#writing) return;
    this.#writing = true;
    while (this.#next !== undefined) {
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
    this.#writing = false;
  }
}
