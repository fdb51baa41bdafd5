/**
 * `kimi_estimate_tokens`: whether a text or a local file fits a model's context window, and what
 * sending it as a prompt would cost. Texts and text-like files are estimated locally (the
 * library's estimator, about ±20% against Kimi's tokenizer, which is not public); documents
 * (PDF, office) are uploaded for extraction, measured, and deleted again. No chat is sent.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ChatMessage } from "kimi-provider";
import { computeCost, InvalidRequestError } from "kimi-provider";
import { z } from "zod";
import type { AllowedFile } from "../allowed-roots.ts";
import type { McpSession } from "../mcp-session.ts";
import { ProgressReporter, type ToolExtra } from "../progress-reporter.ts";
import { formatUsd } from "../result-shapes.ts";
import { runTool } from "../run-tool.ts";
import { toolSuccess } from "../tool-result.ts";

/** The tool's name. */
export const KIMI_ESTIMATE_TOKENS_TOOL = "kimi_estimate_tokens";

const input = {
  text: z.string().optional().describe("The text to measure (give text or path, not both)."),
  path: z
    .string()
    .min(1)
    .optional()
    .describe("A local file to measure (absolute path under the allowed directories)."),
  model: z
    .string()
    .min(1)
    .optional()
    .describe("Model whose window and price apply (default: the server's default model)."),
  max_tokens: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe("Room to keep for the answer when judging the fit (default 0)."),
};

const output = {
  demo: z.boolean(),
  model: z.string(),
  source: z.enum(["local-text", "extracted"]).describe("How the text was obtained."),
  characters: z.number().int(),
  tokens: z.number().int().describe("Estimated prompt tokens (about ±20%)."),
  context_window: z.number().int(),
  max_tokens: z.number().int(),
  fits: z.boolean(),
  tokens_left: z.number().int().describe("Window minus prompt minus max_tokens; negative: over."),
  prompt_cost_usd: z.object({
    uncached: z.number().nullable().describe("At the cache-miss price."),
    cached: z.number().nullable().describe("If all of it were served from the prompt cache."),
  }),
  other_models: z.array(
    z.object({ id: z.string(), context_window: z.number().int(), fits: z.boolean() }),
  ),
};

async function extractedText(
  session: McpSession,
  file: AllowedFile,
  extra: ToolExtra,
): Promise<string> {
  const progress = new ProgressReporter(extra);
  void progress.phase(`uploading ${file.filename} for extraction`);
  const uploaded = await session.kimi.files.upload(file.realPath, {
    filename: file.filename,
    signal: extra.signal,
  });
  try {
    return (await session.kimi.files.content(uploaded.id, { signal: extra.signal })).raw;
  } finally {
    // Deleted whatever happened, without the (maybe aborted) signal of the call.
    await session.kimi.files.delete(uploaded.id).catch(() => undefined);
  }
}

/** Registers `kimi_estimate_tokens` on `server`. */
export function registerKimiEstimateTokens(server: McpServer, session: McpSession): void {
  server.registerTool(
    KIMI_ESTIMATE_TOKENS_TOOL,
    {
      title: "Estimate Kimi tokens and cost",
      description:
        "Estimate the tokens of a text or a local file, whether it fits a Kimi model's context window (leaving max_tokens for the answer), and what sending it as a prompt would cost in USD. Text files are measured locally; PDF and office documents are uploaded for extraction and deleted again. No chat request is sent and nothing is billed.",
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    (args, extra) =>
      runTool(session, KIMI_ESTIMATE_TOKENS_TOOL, async () => {
        if ((args.text === undefined) === (args.path === undefined)) {
          throw new InvalidRequestError("Give exactly one of text or path.");
        }
        const modelId = args.model ?? session.kimi.config.defaultModel;
        const model = session.kimi.models.require(modelId);
        let text: string;
        let source: "local-text" | "extracted";
        let messages: ChatMessage[];
        if (args.path !== undefined) {
          const file = await session.roots.check(args.path);
          if (file.kind === "text") {
            const { readFile } = await import("node:fs/promises");
            text = await readFile(file.realPath, "utf8");
            source = "local-text";
          } else {
            text = await extractedText(session, file, extra);
            source = "extracted";
          }
          // A file's text travels as a system message (see src/files/chat-with-files.ts).
          messages = [{ role: "system", content: text }];
        } else {
          text = args.text ?? "";
          source = "local-text";
          messages = [{ role: "user", content: text }];
        }
        const tokens = session.kimi.tokens.estimate({ model: modelId, messages });
        const maxTokens = args.max_tokens ?? 0;
        const left = model.contextWindow - tokens - maxTokens;
        const usage = (cached: number) => ({
          promptTokens: tokens,
          completionTokens: 0,
          totalTokens: tokens,
          cachedTokens: cached,
          reasoningTokens: null,
        });
        const uncached = computeCost(model, usage(0)).input;
        const cached = computeCost(model, usage(tokens)).input;
        const others = session.kimi.models
          .list()
          .filter((other) => other.status !== "retired" && other.id !== model.id)
          .map((other) => ({
            id: other.id,
            context_window: other.contextWindow,
            fits: tokens + maxTokens <= other.contextWindow,
          }));
        const verdict =
          left >= 0
            ? `fits the ${model.contextWindow.toLocaleString("en-US")}-token window of ${model.id} (${left.toLocaleString("en-US")} tokens left${maxTokens > 0 ? ` after ${maxTokens} for the answer` : ""})`
            : `does NOT fit the ${model.contextWindow.toLocaleString("en-US")}-token window of ${model.id} (over by ${(-left).toLocaleString("en-US")})`;
        return toolSuccess(
          session,
          [
            `~${tokens.toLocaleString("en-US")} tokens (${text.length.toLocaleString("en-US")} characters; estimate, about ±20%): ${verdict}. As a prompt: ${formatUsd(uncached)} uncached, ${formatUsd(cached)} if fully cached.`,
          ],
          {
            model: model.id,
            source,
            characters: text.length,
            tokens,
            context_window: model.contextWindow,
            max_tokens: maxTokens,
            fits: left >= 0,
            tokens_left: left,
            prompt_cost_usd: { uncached, cached },
            other_models: others,
          },
        );
      }),
  );
}
