/**
 * Number formatting for people: token counts with thousands separators, USD amounts with enough
 * decimals to show the cost of a single short request, percentages.
 */

/** `1234567` → `1,234,567`. */
export function formatCount(value: number): string {
  return value.toLocaleString("en-US");
}

/**
 * A USD amount, always to the micro-dollar (`$0.001234`, `$12.345600`): one precision
 * everywhere, enough to show the cost of a single short request; `unknown` for `null`.
 */
export function formatUsd(value: number | null): string {
  if (value === null) return "unknown";
  if (value === 0) return "$0";
  return `$${value.toFixed(6)}`;
}

/**
 * The USD total of a ledger line: `$0.0123`, `unknown` when no request of it had a known cost,
 * `$0.0123 + unknown` when some had none (never `$0` for an unknown cost).
 */
export function formatLedgerCost(totals: {
  requests: number;
  costUsd: number;
  unpricedRequests: number;
}): string {
  if (totals.unpricedRequests === 0) return formatUsd(totals.costUsd);
  if (totals.unpricedRequests >= totals.requests) return "unknown";
  return `${formatUsd(totals.costUsd)} + unknown`;
}

/** A share as a percentage with no decimals: `0.4567` → `46%`. */
export function formatPercent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** A price per million tokens: `0.6` → `0.60`; `null` → `-`. */
export function formatPrice(value: number | null): string {
  return value === null ? "-" : value.toFixed(2);
}

/** `noun` for a count of 1, else `noun` + `s` (or `many`): `1 file`, `2 files`. */
export function plural(count: number, noun: string, many = `${noun}s`): string {
  return count === 1 ? noun : many;
}
