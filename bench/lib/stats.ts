/**
 * Summary statistics of latency samples. Percentiles use the nearest-rank method so a reported
 * p99 is always a latency that was actually observed.
 */

/** Median, p99 and friends of one set of samples, in the samples' unit. */
export interface Summary {
  count: number;
  median: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

/** The nearest-rank percentile `p` (0..100) of already-sorted samples; NaN when empty. */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  const index = Math.min(sorted.length - 1, Math.max(0, rank - 1));
  return sorted[index] ?? Number.NaN;
}

/** The median of the samples (nearest rank; NaN when empty). */
export function median(samples: readonly number[]): number {
  return percentileSorted(
    [...samples].sort((a, b) => a - b),
    50,
  );
}

/** Summarizes samples (sorted copy; the input is not modified). */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count: sorted.length,
    median: percentileSorted(sorted, 50),
    p99: percentileSorted(sorted, 99),
    mean: sorted.length === 0 ? Number.NaN : total / sorted.length,
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** `value / baseline`, or null when either is not a positive finite number. */
export function ratio(value: number, baseline: number): number | null {
  if (!Number.isFinite(value) || !Number.isFinite(baseline) || baseline <= 0) return null;
  return value / baseline;
}
