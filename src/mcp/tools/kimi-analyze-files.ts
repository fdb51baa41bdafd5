/**
 * `kimi_analyze_files`: ask a question about local documents. The files are checked against the
 * allowed roots, uploaded for extraction, their text put in front of the question, and deleted
 * afterwards whatever happens (answer, error, or the host cancelling the call).
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { AllowedFile } from "../allowed-roots.ts";
import type { McpSession } from "../mcp-session.ts";
import { ProgressReporter } from "../progress-reporter.ts";
import {
  costOut,
  costShape,
  formatTokens,
  formatUsd,
  uploadedFileShape,
  uploadedFilesOut,
  usageOut,
  usageShape,
} from "../result-shapes.ts";
import { runTool } from "../run-tool.ts";
import { streamAnswer } from "../stream-answer.ts";
import { toolSuccess } from "../tool-result.ts";

/** The tool's name. */
export const KIMI_ANALYZE_FILES_TOOL = "kimi_analyze_files";

const input = {
  paths: z
    .array(z.string().min(1))
    .min(1)
    .max(20)
    .describe(
      "Local files to read (absolute paths under the allowed directories): PDF, Word, Excel, PowerPoint, EPUB, HTML, Markdown, text, source code, images (OCR).",
    ),
  question: z.string().min(1).describe("What to ask about the files."),
  model: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Model id (default: the server's default model); kimi-k3 has a 1M-token window for long documents.",
    ),
  thinking: z
    .boolean()
    .optional()
    .describe("false turns reasoning off on models that can (kimi-k2.6)."),
  max_tokens: z.number().int().positive().optional().describe("Cap on the answer's tokens."),
  include_reasoning: z
    .boolean()
    .optional()
    .describe("Also return the model's reasoning (default false)."),
};

const output = {
  demo: z.boolean().describe("true: answered by the local emulator, not by Kimi."),
  model: z.string(),
  answer: z.string(),
  reasoning_content: z.string().nullable(),
  finish_reason: z.string(),
  files: z.array(uploadedFileShape),
  usage: usageShape.nullable(),
  cost_usd: costShape,
  session_cost_usd: z.number(),
};

/** Registers `kimi_analyze_files` on `server`. */
export function registerKimiAnalyzeFiles(server: McpServer, session: McpSession): void {
  server.registerTool(
    KIMI_ANALYZE_FILES_TOOL,
    {
      title: "Ask Kimi about local files",
      description:
        "Answer a question about one or more local documents (PDF, office documents, text, code) with Kimi's long context. The files must be under the allowed directories; they are uploaded to Moonshot for text extraction and always deleted afterwards, also when the call fails or is cancelled. Refused before anything is sent: files outside the allowed directories (symlinks included), unsupported types, files over the size limit.",
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    (args, extra) =>
      runTool(session, KIMI_ANALYZE_FILES_TOOL, async () => {
        const files: AllowedFile[] = [];
        for (const path of args.paths) files.push(await session.roots.check(path));
        session.budget.check(KIMI_ANALYZE_FILES_TOOL);
        const model = args.model ?? session.kimi.config.defaultModel;
        const answer = await streamAnswer(
          session.kimi,
          {
            model,
            messages: [{ role: "user", content: args.question }],
            ...(args.thinking === undefined ? {} : { thinking: args.thinking }),
            ...(args.max_tokens === undefined ? {} : { maxTokens: args.max_tokens }),
          },
          files,
          extra.signal,
          new ProgressReporter(extra),
        );
        const { result } = answer;
        const { files: uploaded, notDeleted } = uploadedFilesOut(answer.files, answer.deletion);
        const reasoning = args.include_reasoning === true ? result.reasoningContent : null;
        const deletion =
          notDeleted.length === 0
            ? "all deleted again"
            : `not deleted: ${notDeleted.join(", ")} (run \`kimi-provider files cleanup\`)`;
        const footer = `(${result.model} read ${uploaded.length} file(s), ${deletion}; ${formatTokens(result.usage)}, ${formatUsd(result.cost.total)})`;
        return toolSuccess(
          session,
          [reasoning ? `Reasoning:\n${reasoning}` : "", result.content, footer],
          {
            model: result.model,
            answer: result.content,
            reasoning_content: reasoning,
            finish_reason: result.finishReason,
            files: uploaded,
            usage: usageOut(result.usage),
            cost_usd: costOut(result.cost),
            session_cost_usd: session.kimi.usage.snapshot().costUsd,
          },
        );
      }),
  );
}
