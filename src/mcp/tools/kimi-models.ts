/**
 * `kimi_models`: the models the account can use now, with context windows and prices. The
 * catalog is merged with the service's `GET /v1/models` (`kimi.models.refresh()`); retired
 * models are left out unless the account still lists them or the caller asks for them, and
 * are then marked with their retirement day and successor.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ModelInfo } from "kimi-provider";
import { z } from "zod";
import type { McpSession } from "../mcp-session.ts";
import { runTool } from "../run-tool.ts";
import { describeToolError, toolSuccess } from "../tool-result.ts";

/** The tool's name. */
export const KIMI_MODELS_TOOL = "kimi_models";

const input = {
  include_retired: z
    .boolean()
    .optional()
    .describe("Also list retired models, marked with their retirement day and successor."),
};

const modelShape = z.object({
  id: z.string(),
  status: z.enum(["recommended", "current", "legacy", "retired"]),
  available: z
    .boolean()
    .nullable()
    .describe("Listed by the service for this key; null when the service could not be asked."),
  context_window: z.number().int(),
  pricing_usd_per_million_tokens: z.object({
    input_cache_hit: z.number().nullable(),
    input_cache_miss: z.number().nullable(),
    output: z.number().nullable(),
  }),
  thinking: z.enum(["none", "always", "toggle"]),
  tools: z.boolean(),
  image_input: z.boolean(),
  retired_on: z.string().nullable(),
  successor: z.string().nullable(),
  description: z.string(),
});

const output = {
  demo: z.boolean(),
  live: z.boolean().describe("true when the service's model list was merged in."),
  refresh_error: z.string().nullable(),
  default_model: z.string(),
  models: z.array(modelShape),
};

function modelOut(model: ModelInfo, live: boolean): z.infer<typeof modelShape> {
  return {
    id: model.id,
    status: model.status,
    available: live ? (model.available ?? null) : null,
    context_window: model.contextWindow,
    pricing_usd_per_million_tokens: {
      input_cache_hit: model.pricing.inputCacheHit,
      input_cache_miss: model.pricing.inputCacheMiss,
      output: model.pricing.output,
    },
    thinking: model.capabilities.thinking,
    tools: model.capabilities.tools,
    image_input: model.capabilities.imageInput,
    retired_on: model.retiredOn ?? null,
    successor: model.successor ?? null,
    description: model.description,
  };
}

function price(value: number | null): string {
  return value === null ? "?" : `$${value}`;
}

/** Registers `kimi_models` on `server`. */
export function registerKimiModels(server: McpServer, session: McpSession): void {
  server.registerTool(
    KIMI_MODELS_TOOL,
    {
      title: "Kimi models",
      description:
        "The Kimi models this key can use now: id, context window, prices in USD per million tokens (input cache hit / cache miss / output), whether they reason. Asks the service for the live list and merges it with the built-in catalog; retired models are left out unless include_retired is true.",
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    (args, extra) =>
      runTool(session, KIMI_MODELS_TOOL, async () => {
        let live = true;
        let refreshError: string | null = null;
        try {
          await session.kimi.models.refresh({ signal: extra.signal });
        } catch (error) {
          if (extra.signal.aborted) throw error;
          live = false;
          refreshError = describeToolError(error);
        }
        const models = session.kimi.models
          .list()
          .filter(
            (model) =>
              args.include_retired === true ||
              model.status !== "retired" ||
              (live && model.available === true),
          )
          .map((model) => modelOut(model, live));
        const lines = models.map(
          (model) =>
            `${model.id}: ${model.context_window.toLocaleString("en-US")} tokens, ${price(model.pricing_usd_per_million_tokens.input_cache_hit)} / ${price(model.pricing_usd_per_million_tokens.input_cache_miss)} / ${price(model.pricing_usd_per_million_tokens.output)} per 1M (cache hit / miss / output), thinking ${model.thinking}${model.status === "retired" ? `, RETIRED ${model.retired_on ?? ""}${model.successor ? ` (use ${model.successor})` : ""}` : `, ${model.status}`}`,
        );
        const header = live
          ? "Models this key can use (live list merged with the catalog):"
          : `The service's model list could not be fetched (${refreshError}); the built-in catalog:`;
        return toolSuccess(session, [[header, ...lines].join("\n")], {
          live,
          refresh_error: refreshError,
          default_model: session.kimi.config.defaultModel,
          models,
        });
      }),
  );
}
