/**
 * The AI SDK's prompt (`LanguageModelV4Prompt`) as Moonshot chat messages.
 *
 * - Reasoning parts of an assistant message go back as its `reasoning_content`: a thinking model
 *   refuses a history whose tool-call turns lack it (docs/moonshot-wire.md, "Thinking"). Turns
 *   that lost it (a non-thinking model's turn, an empty reasoning) get the library's placeholder
 *   (`fillMissingReasoning`) when the request runs with thinking on.
 * - Tool results become one `tool` message each, naming the function, right after the turn
 *   that called them; provider-executed results (`$web_search`) are echoed the same way.
 * - Document file parts are taken out of the user message and returned as documents to upload
 *   and extract (see `file-parts.ts`).
 */
import {
  InvalidPromptError,
  type LanguageModelV4Prompt,
  type LanguageModelV4ToolResultOutput,
  type SharedV4Warning,
} from "@ai-sdk/provider";
import type {
  AssistantMessage,
  ChatFileItem,
  ChatMessage,
  ContentPart,
  ToolCall,
  ToolMessage,
} from "kimi-provider";
import { fillMissingReasoning } from "kimi-provider/internal";
import { convertFilePart } from "./file-parts.ts";
import { messageIsPartial } from "./provider-options.ts";

/** The messages to send and the documents to put in front of them. */
export interface ConvertedPrompt {
  messages: ChatMessage[];
  /** Documents found in user messages, in prompt order. */
  documents: ChatFileItem[];
}

/** How the prompt is converted. */
export interface ConvertPromptOptions {
  /** Whether the request runs with thinking on (then lost reasoning gets the placeholder). */
  thinking: boolean;
}

/** What replaces a user message that held nothing but documents (an empty message is a 400). */
const DOCUMENTS_ONLY_TEXT = "Please read the attached document(s).";

function toolResultContent(output: LanguageModelV4ToolResultOutput): string | ContentPart[] {
  switch (output.type) {
    case "text":
    case "error-text":
      return output.value;
    case "json":
    case "error-json":
      return JSON.stringify(output.value);
    case "execution-denied":
      return output.reason ?? "The tool call was not executed: the user denied it.";
    case "content": {
      const parts: ContentPart[] = [];
      for (const item of output.value) {
        if (item.type === "text") parts.push({ type: "text", text: item.text });
        else if (item.type === "file") {
          const converted = convertFilePart(
            { type: "file", data: item.data, mediaType: item.mediaType },
            0,
          );
          if (converted.kind !== "media") {
            throw new InvalidPromptError({
              prompt: output,
              message:
                "A tool result can carry images and videos, not documents: put the document's text in the result instead.",
            });
          }
          parts.push(converted.part);
        }
      }
      return parts.every((part) => part.type === "text")
        ? parts.map((part) => (part.type === "text" ? part.text : "")).join("")
        : parts;
    }
  }
}

function stringifyInput(input: unknown): string {
  return typeof input === "string" ? input : JSON.stringify(input ?? {});
}

/** Converts the prompt; `warnings` receives what had to be dropped. */
export function convertPrompt(
  prompt: LanguageModelV4Prompt,
  options: ConvertPromptOptions,
  warnings: SharedV4Warning[],
): ConvertedPrompt {
  const messages: ChatMessage[] = [];
  const documents: ChatFileItem[] = [];
  for (const message of prompt) {
    switch (message.role) {
      case "system":
        messages.push({ role: "system", content: message.content });
        break;
      case "user": {
        const parts: ContentPart[] = [];
        let hadDocument = false;
        for (const part of message.content) {
          if (part.type === "text") {
            parts.push({ type: "text", text: part.text });
            continue;
          }
          const converted = convertFilePart(part, documents.length);
          if (converted.kind === "media") parts.push(converted.part);
          else {
            documents.push(converted.document);
            hadDocument = true;
          }
        }
        if (parts.length === 0 && hadDocument)
          parts.push({ type: "text", text: DOCUMENTS_ONLY_TEXT });
        const onlyText = parts.length === 1 && parts[0]?.type === "text";
        messages.push({
          role: "user",
          content: onlyText ? (parts[0] as { text: string }).text : parts,
        });
        break;
      }
      case "assistant": {
        let text = "";
        let reasoning: string | undefined;
        const toolCalls: ToolCall[] = [];
        const echoed: ToolMessage[] = [];
        for (const part of message.content) {
          switch (part.type) {
            case "text":
              text += part.text;
              break;
            case "reasoning":
              reasoning = (reasoning ?? "") + part.text;
              break;
            case "tool-call":
              toolCalls.push({
                id: part.toolCallId,
                // $web_search is a builtin; echo its type as the service sent it (docs/moonshot-wire.md, "Tools").
                type: part.toolName.startsWith("$") ? "builtin_function" : "function",
                function: { name: part.toolName, arguments: stringifyInput(part.input) },
              });
              break;
            case "tool-result":
              echoed.push({
                role: "tool",
                tool_call_id: part.toolCallId,
                name: part.toolName,
                content: toolResultContent(part.output),
              });
              break;
            case "file":
            case "reasoning-file":
              warnings.push({
                type: "other",
                message:
                  "A file in an assistant message was dropped: Kimi takes files from users only.",
              });
              break;
            case "custom":
              break;
          }
        }
        const assistant: AssistantMessage = { role: "assistant", content: text };
        if (reasoning !== undefined) assistant.reasoning_content = reasoning;
        if (toolCalls.length > 0) assistant.tool_calls = toolCalls;
        if (messageIsPartial(message.providerOptions)) assistant.partial = true;
        messages.push(assistant, ...echoed);
        break;
      }
      case "tool":
        for (const part of message.content) {
          if (part.type !== "tool-result") continue;
          messages.push({
            role: "tool",
            tool_call_id: part.toolCallId,
            name: part.toolName,
            content: toolResultContent(part.output),
          });
        }
        break;
    }
  }
  return {
    messages: options.thinking ? fillMissingReasoning(messages) : messages,
    documents,
  };
}
