/**
 * `kimi_chat`: ask Kimi, optionally with local files and a system prompt, and continue the
 * thread later with the returned `conversation_id` (history kept in the server's memory, see
 * conversation-store.ts).
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ChatMessage } from "kimi-provider";
import { InvalidRequestError } from "kimi-provider";
import { z } from "zod";
import type { AllowedFile } from "../allowed-roots.ts";
import type { StoredMessage } from "../conversation-store.ts";
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
export const KIMI_CHAT_TOOL = "kimi_chat";

const input = {
  prompt: z.string().min(1).describe("The message to send to Kimi."),
  system: z
    .string()
    .min(1)
    .optional()
    .describe("System prompt; only when starting a conversation (not with conversation_id)."),
  model: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Model id, e.g. kimi-k2.6 or kimi-k3 (see kimi_models). Default: the server's default model, or the conversation's model.",
    ),
  thinking: z
    .boolean()
    .optional()
    .describe(
      "false turns reasoning off on models that can (kimi-k2.6); ignored by models that always reason.",
    ),
  max_tokens: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("Cap on the answer's tokens, reasoning included."),
  files: z
    .array(z.string().min(1))
    .max(20)
    .optional()
    .describe(
      "Local files (absolute paths under the allowed directories) whose text is put in front of the prompt; uploaded for extraction and deleted afterwards.",
    ),
  conversation_id: z
    .string()
    .min(1)
    .optional()
    .describe("Continue the conversation a previous kimi_chat result returned."),
  include_reasoning: z
    .boolean()
    .optional()
    .describe("Also return the model's reasoning (default false)."),
};

const output = {
  demo: z.boolean().describe("true: answered by the local emulator, not by Kimi."),
  model: z.string(),
  content: z.string(),
  reasoning_content: z.string().nullable(),
  finish_reason: z.string(),
  conversation_id: z.string(),
  usage: usageShape.nullable(),
  cost_usd: costShape,
  session_cost_usd: z.number(),
  files: z.array(uploadedFileShape),
};

function stored(messages: readonly ChatMessage[]): StoredMessage[] {
  const result: StoredMessage[] = [];
  for (const message of messages) {
    if (message.role === "tool") continue;
    const content = typeof message.content === "string" ? message.content : "";
    result.push({ role: message.role, content });
  }
  return result;
}

/** Registers `kimi_chat` on `server`. */
export function registerKimiChat(server: McpServer, session: McpSession): void {
  server.registerTool(
    KIMI_CHAT_TOOL,
    {
      title: "Ask Kimi",
      description:
        "Ask a Kimi model (Moonshot AI) and get its answer: a second opinion, a draft, cheap bulk work. Optional system prompt, model, thinking on/off, max_tokens, and local files whose text is given to the model. Every result has a conversation_id: pass it back to continue the thread (kept in server memory for 30 minutes after the last turn). The structured result carries token usage and USD cost.",
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    (args, extra) =>
      runTool(session, KIMI_CHAT_TOOL, async () => {
        const conversation =
          args.conversation_id === undefined
            ? undefined
            : session.conversations.get(args.conversation_id);
        if (conversation && args.system !== undefined) {
          throw new InvalidRequestError(
            "system can only be given when a conversation starts; this call continues one (conversation_id). Drop system, or start a new conversation.",
          );
        }
        const model = args.model ?? conversation?.model ?? session.kimi.config.defaultModel;
        const turn: ChatMessage[] = [
          ...(args.system === undefined ? [] : [{ role: "system" as const, content: args.system }]),
          { role: "user", content: args.prompt },
        ];
        const history: ChatMessage[] = conversation ? [...conversation.messages] : [];
        session.conversations.checkRoom(history as StoredMessage[], stored(turn));
        const files: AllowedFile[] = [];
        for (const path of args.files ?? []) files.push(await session.roots.check(path));
        session.budget.check(KIMI_CHAT_TOOL);

        const answer = await streamAnswer(
          session.kimi,
          {
            model,
            messages: [...history, ...turn],
            ...(args.thinking === undefined ? {} : { thinking: args.thinking }),
            ...(args.max_tokens === undefined ? {} : { maxTokens: args.max_tokens }),
          },
          files,
          extra.signal,
          new ProgressReporter(extra),
        );
        const { result } = answer;
        const conversationId = session.conversations.save(args.conversation_id, model, [
          ...stored(answer.sent),
          { role: "assistant", content: result.content },
        ]);
        const { files: uploaded } = uploadedFilesOut(answer.files, answer.deletion);
        const reasoning = args.include_reasoning === true ? result.reasoningContent : null;
        const sessionCost = session.kimi.usage.snapshot().costUsd;
        const footer = `(${result.model}, ${formatTokens(result.usage)}, ${formatUsd(result.cost.total)}; finish_reason ${result.finishReason}; conversation_id ${conversationId})`;
        return toolSuccess(
          session,
          [reasoning ? `Reasoning:\n${reasoning}` : "", result.content, footer],
          {
            model: result.model,
            content: result.content,
            reasoning_content: reasoning,
            finish_reason: result.finishReason,
            conversation_id: conversationId,
            usage: usageOut(result.usage),
            cost_usd: costOut(result.cost),
            session_cost_usd: sessionCost,
            files: uploaded,
          },
        );
      }),
  );
}
