/**
 * Resident-memory measurement. Memory suites run in child processes started with
 * `--expose-gc`, so a reading taken after a full collection reflects live data, not garbage.
 */

/** Bytes → MiB, rounded to 0.1. */
export function mib(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

/** Runs a full GC (twice: finalizers can free more) when exposed, then reads RSS in bytes. */
export async function settledRss(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  return process.memoryUsage.rss();
}

/** Samples RSS on an interval and keeps the peak (for memory held during concurrent work). */
export class RssSampler {
  #timer: NodeJS.Timeout | undefined;
  peak = 0;
  readonly samples: number[] = [];

  /** Starts sampling every `intervalMs`. */
  start(intervalMs = 20): void {
    this.sample();
    this.#timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Takes one reading now. */
  sample(): void {
    const rss = process.memoryUsage.rss();
    this.samples.push(rss);
    if (rss > this.peak) this.peak = rss;
  }

  /** Stops sampling (takes a last reading) and returns the peak in bytes. */
  stop(): number {
    if (this.#timer) clearInterval(this.#timer);
    this.sample();
    return this.peak;
  }
}

/** Whether the process was started with `--expose-gc`. */
export function gcExposed(): boolean {
  return typeof (globalThis as { gc?: unknown }).gc === "function";
}
