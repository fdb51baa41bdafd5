/**
 * The builtin `$web_search` round trip (docs/moonshot-wire.md, "Web search"): the service returns a tool call named
 * `$web_search` whose arguments it generated; the client runs nothing and answers with a `tool`
 * message that echoes those arguments verbatim. The next request (same tools) gets the answer.
 * The full tool loop lives in `src/tools`; these are the small pure pieces.
 */
import { WEB_SEARCH_TOOL_NAME } from "../models/policy/tool-rules.ts";
import type { BuiltinToolDefinition, ToolCall, ToolMessage } from "./types.ts";

/** The declaration to put in `tools` to let the model search the web. */
export function webSearchTool(): BuiltinToolDefinition {
  return { type: "builtin_function", function: { name: WEB_SEARCH_TOOL_NAME } };
}

/** Whether a tool call is the builtin web search. */
export function isWebSearchCall(toolCall: ToolCall): boolean {
  return toolCall.function.name === WEB_SEARCH_TOOL_NAME;
}

/** The tool message answering a `$web_search` call: its arguments, unchanged. */
export function webSearchToolMessage(toolCall: ToolCall): ToolMessage {
  return {
    role: "tool",
    tool_call_id: toolCall.id,
    name: WEB_SEARCH_TOOL_NAME,
    content: toolCall.function.arguments,
  };
}

/** Tool messages answering every `$web_search` call in `toolCalls` (other calls are skipped). */
export function answerWebSearchCalls(toolCalls: readonly ToolCall[]): ToolMessage[] {
  return toolCalls.filter(isWebSearchCall).map(webSearchToolMessage);
}

/**
 * Tokens the search results will add to the next prompt, read from the server-generated
 * arguments (`usage.total_tokens`, docs/moonshot-wire.md, "Web search"); `undefined` when absent.
 */
export function webSearchTokens(toolCall: ToolCall): number | undefined {
  try {
    const parsed = JSON.parse(toolCall.function.arguments) as {
      usage?: { total_tokens?: unknown };
    };
    const total = parsed?.usage?.total_tokens;
    return typeof total === "number" ? total : undefined;
  } catch {
    return undefined;
  }
}
