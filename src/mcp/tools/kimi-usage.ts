/**
 * `kimi_usage`: what this MCP session has used so far: requests, tokens, prompt-cache hit rate
 * and USD, overall and per model (the client's `usage.snapshot()`), and the budget left.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { UsageTotals } from "kimi-provider/internal";
import { z } from "zod";
import type { McpSession } from "../mcp-session.ts";
import { formatUsd } from "../result-shapes.ts";
import { runTool } from "../run-tool.ts";
import { toolSuccess } from "../tool-result.ts";

/** The tool's name. */
export const KIMI_USAGE_TOOL = "kimi_usage";

const totalsShape = z.object({
  requests: z.number().int(),
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  cached_tokens: z.number().int(),
  reasoning_tokens: z.number().int(),
  cache_hit_rate: z.number().describe("cached_tokens / prompt_tokens, 0 to 1."),
  cost_usd: z.number().describe("Sum of the priced requests."),
  unpriced_requests: z.number().int(),
});

const output = {
  demo: z.boolean(),
  ...totalsShape.shape,
  by_model: z.record(z.string(), totalsShape),
  budget: z.object({
    max_cost_usd: z.number().nullable(),
    spent_usd: z.number(),
    remaining_usd: z.number().nullable(),
  }),
  conversations: z.number().int().describe("Conversations kept in memory for kimi_chat."),
};

function totalsOut(totals: UsageTotals): z.infer<typeof totalsShape> {
  return {
    requests: totals.requests,
    prompt_tokens: totals.promptTokens,
    completion_tokens: totals.completionTokens,
    cached_tokens: totals.cachedTokens,
    reasoning_tokens: totals.reasoningTokens,
    cache_hit_rate: totals.cacheHitRate,
    cost_usd: totals.costUsd,
    unpriced_requests: totals.unpricedRequests,
  };
}

/** Registers `kimi_usage` on `server`. */
export function registerKimiUsage(server: McpServer, session: McpSession): void {
  server.registerTool(
    KIMI_USAGE_TOOL,
    {
      title: "Kimi usage of this session",
      description:
        "Tokens, prompt-cache hit rate and USD spent by this session's Kimi calls so far (overall and per model), and what is left of the session's budget (--max-cost-usd). Sends nothing to the service.",
      inputSchema: {},
      outputSchema: output,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () =>
      runTool(session, KIMI_USAGE_TOOL, async () => {
        const snapshot = session.kimi.usage.snapshot();
        const byModel: Record<string, z.infer<typeof totalsShape>> = {};
        for (const [id, totals] of Object.entries(snapshot.byModel))
          byModel[id] = totalsOut(totals);
        const budget = session.budget.state();
        const text = [
          `${snapshot.requests} request(s): ${snapshot.promptTokens} prompt tokens (${(snapshot.cacheHitRate * 100).toFixed(1)}% from the cache) + ${snapshot.completionTokens} completion tokens, ${formatUsd(snapshot.costUsd)}${snapshot.unpricedRequests > 0 ? ` (+${snapshot.unpricedRequests} unpriced)` : ""}.`,
          budget.max_cost_usd === null
            ? "No budget set (--max-cost-usd)."
            : `Budget: ${formatUsd(budget.remaining_usd)} left of $${budget.max_cost_usd}.`,
        ].join("\n");
        return toolSuccess(session, [text], {
          ...totalsOut(snapshot),
          by_model: byModel,
          budget,
          conversations: session.conversations.size,
        });
      }),
  );
}
