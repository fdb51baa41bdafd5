/**
 * The per-session spending limit of the MCP server (`--max-cost-usd`). Checked before every
 * billed request (chat and file analysis): once the session has spent the limit, the tool
 * answers with an error and sends nothing. A call already running when the limit is crossed
 * finishes, so the total can end above the limit by at most the calls that were in flight.
 */
import { BudgetExceededError } from "kimi-provider";

/** The budget's state, as `kimi_usage` reports it. */
export interface BudgetState {
  /** The limit, USD; `null` when there is none. */
  max_cost_usd: number | null;
  /** What the session has spent, USD (calls without a known price count 0). */
  spent_usd: number;
  /** `max_cost_usd - spent_usd` (never below 0); `null` when there is no limit. */
  remaining_usd: number | null;
}

/** A USD limit over a running total. */
export class SessionBudget {
  readonly #maxCostUsd: number | undefined;
  readonly #spent: () => number;

  /** `spent` reads the session's running total (the client's `usage.snapshot().costUsd`). */
  constructor(maxCostUsd: number | undefined, spent: () => number) {
    this.#maxCostUsd = maxCostUsd;
    this.#spent = spent;
  }

  /** Throws {@link BudgetExceededError} when the session has spent its limit. */
  check(tool: string): void {
    const max = this.#maxCostUsd;
    if (max === undefined) return;
    const spent = this.#spent();
    if (spent >= max) {
      throw new BudgetExceededError(
        `${tool} refused: this session has spent $${spent.toFixed(6)}, which reaches its limit of $${max} (--max-cost-usd). Nothing was sent. Start a new session or restart the server with a higher --max-cost-usd.`,
      );
    }
  }

  /** The limit, what was spent and what remains. */
  state(): BudgetState {
    const spent = this.#spent();
    const max = this.#maxCostUsd;
    return {
      max_cost_usd: max ?? null,
      spent_usd: spent,
      remaining_usd:
        max === undefined ? null : Math.max(0, Math.round((max - spent) * 1e12) / 1e12),
    };
  }
}
