/**
 * The session's running usage total: tokens, cache hit rate and USD across every call a client
 * made (`kimi.usage`). `chat()` and `stream()` record automatically.
 */
import type { CostBreakdown } from "./pricing.ts";
import type { Usage } from "./usage.ts";

/** Totals for one model, or for the whole session. */
export interface UsageTotals {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  /** `cachedTokens / promptTokens`, 0 when no prompt tokens were recorded. */
  cacheHitRate: number;
  /** Sum of the known costs, USD. */
  costUsd: number;
  /**
   * Calls whose cost was unknown (a model without a price, or a response that reported no
   * usage); not included in `costUsd`, and the latter's tokens not in the token totals.
   */
  unpricedRequests: number;
  webSearchCalls: number;
}

/** What {@link UsageLedger.snapshot} returns. */
export interface UsageSnapshot extends UsageTotals {
  byModel: Record<string, UsageTotals>;
}

/** What a call contributes to the ledger (a `ChatResult` fits). */
export interface RecordableCall {
  model: string;
  /** `null`: the service reported no usage (counted in `unpricedRequests`, no tokens added). */
  usage: Usage | null;
  /** Only `total` counts (`null`: unpriced). */
  cost: Pick<CostBreakdown, "total">;
  webSearchCalls?: number;
}

/** Totals of no calls at all. */
export function emptyUsageTotals(): UsageTotals {
  return {
    requests: 0,
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    reasoningTokens: 0,
    cacheHitRate: 0,
    costUsd: 0,
    unpricedRequests: 0,
    webSearchCalls: 0,
  };
}

/**
 * `totals` plus one call, as a new object (pure). Shared by the in-memory {@link UsageLedger} and
 * the CLI's ledger on disk, so both count the same way.
 */
export function addToUsageTotals(totals: UsageTotals, call: RecordableCall): UsageTotals {
  const next = { ...totals };
  next.requests++;
  if (call.usage !== null) {
    next.promptTokens += call.usage.promptTokens;
    next.completionTokens += call.usage.completionTokens;
    next.cachedTokens += call.usage.cachedTokens;
    next.reasoningTokens += call.usage.reasoningTokens ?? 0;
  }
  next.webSearchCalls += call.webSearchCalls ?? 0;
  if (call.cost.total === null) next.unpricedRequests++;
  // Rounded so that sums of decimal prices stay readable (0.1 + 0.2).
  else next.costUsd = Math.round((next.costUsd + call.cost.total) * 1e12) / 1e12;
  next.cacheHitRate = next.promptTokens === 0 ? 0 : next.cachedTokens / next.promptTokens;
  return next;
}

/** A running total of usage and cost. */
export class UsageLedger {
  #total: UsageTotals = emptyUsageTotals();
  #byModel = new Map<string, UsageTotals>();

  /** Adds one call. */
  record(call: RecordableCall): void {
    this.#total = addToUsageTotals(this.#total, call);
    const model = this.#byModel.get(call.model) ?? emptyUsageTotals();
    this.#byModel.set(call.model, addToUsageTotals(model, call));
  }

  /** A copy of the totals so far. */
  snapshot(): UsageSnapshot {
    const byModel: Record<string, UsageTotals> = {};
    for (const [id, totals] of this.#byModel) byModel[id] = { ...totals };
    return { ...this.#total, byModel };
  }

  /** Starts over from zero. */
  reset(): void {
    this.#total = emptyUsageTotals();
    this.#byModel.clear();
  }
}
