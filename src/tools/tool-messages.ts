/**
 * How the tools layer writes history messages, following Moonshot's rules (docs/moonshot-wire.md, "Messages" and "Tools",
 * docs/moonshot-wire.md, "Thinking"): the assistant tool-call message keeps `reasoning_content` and drops empty `content`;
 * each call is answered by exactly one `tool` message carrying `tool_call_id` and `name`.
 */
import type { AssistantMessage, ToolCall, ToolMessage } from "../chat/types.ts";

/**
 * The assistant message to append after a step. Empty `content` is omitted on a tool-call
 * message (Kimi's compat layer rejects "text content is empty", docs/moonshot-wire.md, "Messages") and
 * `reasoning_content` is kept whenever the model produced it (required on tool-call turns of
 * thinking models, docs/moonshot-wire.md, "Thinking").
 */
export function assistantMessageFor(answer: {
  content: string;
  reasoningContent: string | null;
  toolCalls: ToolCall[];
}): AssistantMessage {
  const message: AssistantMessage = { role: "assistant" };
  if (answer.content !== "" || answer.toolCalls.length === 0) message.content = answer.content;
  if (answer.reasoningContent !== null) message.reasoning_content = answer.reasoningContent;
  if (answer.toolCalls.length > 0) message.tool_calls = answer.toolCalls.map(copyToolCall);
  return message;
}

/** The `tool` message answering `call` with `content` (docs/moonshot-wire.md, "Tools"). */
export function toolMessageFor(call: ToolCall, content: string): ToolMessage {
  return { role: "tool", tool_call_id: call.id, name: call.function.name, content };
}

/** Serializes a tool's return value for a tool message: strings as-is, the rest as JSON. */
export function serializeToolOutput(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "null";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function copyToolCall(call: ToolCall): ToolCall {
  return {
    id: call.id,
    type: call.type,
    function: { name: call.function.name, arguments: call.function.arguments },
  };
}
