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
  /** Calls whose cost was unknown (model without a price); not included in `costUsd`. */
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
  usage: Usage;
  cost: CostBreakdown;
  webSearchCalls?: number;
}

function emptyTotals(): UsageTotals {
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

function add(totals: UsageTotals, call: RecordableCall): void {
  totals.requests++;
  totals.promptTokens += call.usage.promptTokens;
  totals.completionTokens += call.usage.completionTokens;
  totals.cachedTokens += call.usage.cachedTokens;
  totals.reasoningTokens += call.usage.reasoningTokens ?? 0;
  totals.webSearchCalls += call.webSearchCalls ?? 0;
  if (call.cost.total === null) totals.unpricedRequests++;
  else totals.costUsd = Math.round((totals.costUsd + call.cost.total) * 1e12) / 1e12;
  totals.cacheHitRate = totals.promptTokens === 0 ? 0 : totals.cachedTokens / totals.promptTokens;
}

/** A running total of usage and cost. */
export class UsageLedger {
  #total: UsageTotals = emptyTotals();
  #byModel = new Map<string, UsageTotals>();

  /** Adds one call. */
  record(call: RecordableCall): void {
    add(this.#total, call);
    let model = this.#byModel.get(call.model);
    if (!model) {
      model = emptyTotals();
      this.#byModel.set(call.model, model);
    }
    add(model, call);
  }

  /** A copy of the totals so far. */
  snapshot(): UsageSnapshot {
    const byModel: Record<string, UsageTotals> = {};
    for (const [id, totals] of this.#byModel) byModel[id] = { ...totals };
    return { ...this.#total, byModel };
  }

  /** Starts over from zero. */
  reset(): void {
    this.#total = emptyTotals();
    this.#byModel.clear();
  }
}
