/** Budget accounting of a tool run: what was spent, and whether another request is allowed. */
import { BudgetExceededError } from "../errors/error-classes.ts";
import type { KimiErrorOptions } from "../errors/kimi-error.ts";
import type { ToolLoopBudget, ToolRunResult } from "./tool-loop-types.ts";

/** The budget of a run was reached; the run so far is attached. Code `budget_exceeded`. */
export class ToolBudgetExceededError extends BudgetExceededError {
  /** Everything the run did before it stopped (transcript, steps, usage, cost). */
  readonly result: ToolRunResult;
  constructor(message: string, options: KimiErrorOptions & { result: ToolRunResult }) {
    super(message, options);
    this.result = options.result;
  }
}

/** Spending so far. */
export interface Spent {
  tokens: number;
  /** `null` once a step had no known price. */
  costUsd: number | null;
}

/**
 * Returns a sentence naming the limit reached, or `undefined` when another request is allowed.
 * A USD limit with an unknown cost counts as reached: the run cannot prove it is under it.
 */
export function budgetReached(
  budget: ToolLoopBudget | undefined,
  spent: Spent,
): string | undefined {
  if (budget === undefined) return undefined;
  if (budget.maxTokens !== undefined && spent.tokens >= budget.maxTokens) {
    return `The tool run used ${spent.tokens} tokens, reaching its budget of ${budget.maxTokens}.`;
  }
  if (budget.maxCostUsd !== undefined) {
    if (spent.costUsd === null) {
      return "The tool run's cost is unknown (the model has no price in the catalog), so its USD budget cannot be enforced. Set a price with createKimi({ models }) or use a token budget.";
    }
    if (spent.costUsd >= budget.maxCostUsd) {
      return `The tool run cost $${spent.costUsd.toFixed(6)}, reaching its budget of $${budget.maxCostUsd}.`;
    }
  }
  return undefined;
}
