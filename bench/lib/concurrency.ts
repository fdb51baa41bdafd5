/**
 * Runs an async task a fixed number of times with a fixed number in flight, recording each
 * call's latency. Workers pull from a shared counter, so a slow call never idles the others.
 */

/** What {@link runConcurrent} measured. */
export interface ConcurrentRun {
  /** One latency per successful call, in ms. */
  latenciesMs: number[];
  /** Wall time from the first start to the last end, in ms. */
  elapsedMs: number;
  /** Calls that threw. */
  errors: number;
  /** The first error thrown, to report why a row failed. */
  firstError: unknown;
}

/** Calls `task` `count` times, `concurrency` at a time, and times each call. */
export async function runConcurrent(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<unknown>,
): Promise<ConcurrentRun> {
  const latenciesMs: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: unknown;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      const started = performance.now();
      try {
        await task(index);
        latenciesMs.push(performance.now() - started);
      } catch (error) {
        errors++;
        firstError ??= error;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { latenciesMs, elapsedMs: performance.now() - started, errors, firstError };
}
