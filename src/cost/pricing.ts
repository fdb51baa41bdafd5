/**
 * The cost of one call, from the catalog's prices (docs/moonshot-wire.md, "Prices" and "Accounts and hosts").
 *
 * `prompt_tokens` includes cached tokens: cached ones are billed at the cache-hit price and the
 * rest at the cache-miss price. Models without a cache-hit price (moonshot-v1,
 * kimi-thinking-preview) bill every input token at the miss price. `$web_search` calls add a flat
 * fee each (docs/moonshot-wire.md, "Web search").
 */
import { WEB_SEARCH_FEE_USD } from "../models/catalog.ts";
import type { ModelInfo } from "../models/model-info.ts";
import type { Usage } from "./usage.ts";

/** Cost of one call in USD; a field is `null` when the price it needs is unknown. */
export interface CostBreakdown {
  model: string;
  /** All input: `cachedInput + uncachedInput`. */
  input: number | null;
  /** Cached prompt tokens (at the cache-hit price, or the miss price when there is none). */
  cachedInput: number | null;
  /** Prompt tokens not served from the cache. */
  uncachedInput: number | null;
  /** Output tokens, reasoning included. */
  output: number | null;
  /** `$web_search` fees. */
  webSearch: number;
  /** Everything; `null` if any needed price is unknown. */
  total: number | null;
  currency: "USD";
}

/** Extra billable items of a call. */
export interface CostExtras {
  /** `$web_search` tool calls in the answer. */
  webSearchCalls?: number;
}

const PER_MILLION = 1_000_000;

// Rounds away binary noise (0.1 + 0.2) so that totals read and compare as decimals.
function money(value: number): number {
  return Math.round(value * 1e12) / 1e12;
}

/**
 * A running USD total plus one call's cost (pure, rounded like every amount here). `null`, an
 * unknown price, is contagious: a total with an unpriced call in it is unknown.
 */
export function addCost(total: number | null, cost: number | null): number | null {
  return total === null || cost === null ? null : money(total + cost);
}

/** A cost of nothing (no call made yet), for `model`. */
export function zeroCost(model: string): CostBreakdown {
  return {
    model,
    input: 0,
    cachedInput: 0,
    uncachedInput: 0,
    output: 0,
    webSearch: 0,
    total: 0,
    currency: "USD",
  };
}

/**
 * The cost of two calls together, field by field: an unknown part (`null`) stays unknown. The
 * model is the first one's (the calls of one run use one model).
 */
export function sumCost(sum: CostBreakdown, cost: CostBreakdown): CostBreakdown {
  return {
    model: sum.model,
    input: addCost(sum.input, cost.input),
    cachedInput: addCost(sum.cachedInput, cost.cachedInput),
    uncachedInput: addCost(sum.uncachedInput, cost.uncachedInput),
    output: addCost(sum.output, cost.output),
    webSearch: addCost(sum.webSearch, cost.webSearch) ?? 0,
    total: addCost(sum.total, cost.total),
    currency: "USD",
  };
}

function price(tokens: number, perMillion: number | null): number | null {
  return perMillion === null ? null : money((tokens * perMillion) / PER_MILLION);
}

/**
 * Computes the cost of a call. `model` may be `undefined` (an id the catalog does not know):
 * every token cost is then `null`. So is every token cost when `usage` is `null` (the service
 * reported none): an unknown usage is never priced as $0 (docs/moonshot-wire.md, "Usage").
 */
export function computeCost(
  model: ModelInfo | undefined,
  usage: Usage | null,
  extras: CostExtras = {},
  modelId: string = model?.id ?? "unknown",
): CostBreakdown {
  const webSearch = money((extras.webSearchCalls ?? 0) * WEB_SEARCH_FEE_USD);
  if (usage === null) {
    return {
      model: modelId,
      input: null,
      cachedInput: null,
      uncachedInput: null,
      output: null,
      webSearch,
      total: null,
      currency: "USD",
    };
  }
  const cached = Math.min(usage.cachedTokens, usage.promptTokens);
  const uncached = usage.promptTokens - cached;
  const pricing = model?.pricing;
  const missPrice = pricing?.inputCacheMiss ?? null;
  const hitPrice = pricing ? (pricing.inputCacheHit ?? pricing.inputCacheMiss) : null;
  const cachedInput = cached === 0 ? (pricing ? 0 : null) : price(cached, hitPrice);
  const uncachedInput = uncached === 0 ? (pricing ? 0 : null) : price(uncached, missPrice);
  const output =
    usage.completionTokens === 0
      ? pricing
        ? 0
        : null
      : price(usage.completionTokens, pricing?.output ?? null);
  const input =
    cachedInput === null || uncachedInput === null ? null : money(cachedInput + uncachedInput);
  const total = input === null || output === null ? null : money(input + output + webSearch);
  return {
    model: modelId,
    input,
    cachedInput,
    uncachedInput,
    output,
    webSearch,
    total,
    currency: "USD",
  };
}
