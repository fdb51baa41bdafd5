/**
 * The key under which the reasoning memory keeps an assistant tool-call turn's
 * `reasoning_content`.
 *
 * Tool-call ids alone cannot be the key: 2026 models number them within one response
 * (`get_weather_0`), so the same ids recur in every turn of a conversation and across
 * conversations (docs/moonshot-wire.md, "Tools"). The key is instead a hash of the whole
 * conversation up to and including the turn: every earlier message, then the turn's own content
 * and tool calls (ids, names, arguments). Two turns share a key only when everything the model had
 * seen and said up to them is the same, in which case their reasoning is interchangeable anyway.
 *
 * Clients rewrite what they send back, so each message is reduced to a canonical form first:
 * `reasoning_content` is left out (it is what the client lost), `null`/missing content reads as
 * `""`, tool-call arguments are re-serialized with sorted keys (LangChain re-encodes them without
 * the service's spaces after `:`), and extra fields (`name`, `refusal`, `index`) are ignored.
 */
import { createHash } from "node:crypto";

/** Version prefix of every key: bump it when the canonical form changes. */
const KEY_VERSION = "v1";

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function canonicalArguments(raw: unknown): string {
  if (typeof raw !== "string") return stableJson(raw ?? "");
  try {
    return stableJson(JSON.parse(raw));
  } catch {
    return raw;
  }
}

function canonicalToolCalls(calls: unknown): unknown[] {
  if (!Array.isArray(calls)) return [];
  return calls.map((call) => {
    const typed = (call ?? {}) as {
      id?: unknown;
      function?: { name?: unknown; arguments?: unknown };
    };
    return [
      typeof typed.id === "string" ? typed.id : "",
      typeof typed.function?.name === "string" ? typed.function.name : "",
      canonicalArguments(typed.function?.arguments),
    ];
  });
}

function canonicalContent(content: unknown): string {
  if (content === undefined || content === null) return "";
  return typeof content === "string" ? content : stableJson(content);
}

/** The canonical form of one message (see the file comment), as a string. */
export function canonicalMessage(message: unknown): string {
  const typed = (message ?? {}) as {
    role?: unknown;
    content?: unknown;
    tool_calls?: unknown;
    tool_call_id?: unknown;
  };
  return stableJson([
    typeof typed.role === "string" ? typed.role : "",
    canonicalContent(typed.content),
    typeof typed.tool_call_id === "string" ? typed.tool_call_id : "",
    canonicalToolCalls(typed.tool_calls),
  ]);
}

/** Whether `message` is an assistant turn with at least one tool call. */
export function isToolCallTurn(message: unknown): boolean {
  const typed = (message ?? {}) as { role?: unknown; tool_calls?: unknown };
  return (
    typed.role === "assistant" && Array.isArray(typed.tool_calls) && typed.tool_calls.length > 0
  );
}

/**
 * Walks `messages` and returns the key of every prefix that ends in an assistant tool-call turn,
 * by index; `last`, when given, is a further message appended (the answer being served), whose
 * key is returned under index `messages.length`.
 */
export function turnKeys(messages: readonly unknown[], last?: unknown): Map<number, string> {
  const keys = new Map<number, string>();
  let chain = KEY_VERSION;
  const all = last === undefined ? messages : [...messages, last];
  all.forEach((message, index) => {
    chain = createHash("sha256")
      .update(chain)
      .update("\n")
      .update(canonicalMessage(message))
      .digest("hex");
    if (isToolCallTurn(message)) keys.set(index, `${KEY_VERSION}:${chain}`);
  });
  return keys;
}
