/**
 * A cheap upper bound of the local token estimate, from character counts alone: no text is
 * scanned and nothing is serialized. The estimator never gives a text more tokens than it has
 * UTF-16 code units (every run of characters costs at most one token per character; see
 * `estimateTextTokens` in local-estimator.ts), so the sum of the lengths of what it reads bounds
 * its answer. For structured values it reads as JSON (tool calls, tool lists, non-text content)
 * the bound walks the value and bounds the length of its JSON text instead of building it.
 */
import {
  type EstimableMessage,
  IMAGE_TOKENS,
  MESSAGE_OVERHEAD_TOKENS,
  REQUEST_OVERHEAD_TOKENS,
  VIDEO_TOKENS,
} from "./local-estimator.ts";

/** Deeper values are not walked: the bound gives up (Infinity) and the estimate decides. */
const MAX_DEPTH = 32;

/**
 * An upper bound of the length of `JSON.stringify(value)`: strings at 6 characters per code
 * unit plus quotes (`\u001f` is the longest escape), numbers at 24 characters (the longest a
 * double prints as). `Infinity` when the value is too deep, or not plain data (`toJSON`,
 * `bigint`): then only serializing it can tell.
 */
export function jsonLengthBound(value: unknown, depth = 0): number {
  switch (typeof value) {
    case "string":
      return value.length * 6 + 2;
    case "number":
      return 24;
    case "boolean":
      return 5;
    case "undefined":
    case "function":
    case "symbol":
      // Omitted in objects, `null` in arrays.
      return 4;
    case "bigint":
      return Number.POSITIVE_INFINITY;
  }
  if (value === null) return 4;
  if (depth >= MAX_DEPTH) return Number.POSITIVE_INFINITY;
  if (Array.isArray(value)) {
    let total = 2;
    for (const item of value) total += jsonLengthBound(item, depth + 1) + 1;
    return total;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
    return Number.POSITIVE_INFINITY;
  }
  let total = 2;
  for (const key in value as Record<string, unknown>) {
    if (!Object.hasOwn(value as object, key)) continue;
    total +=
      key.length * 6 + 4 + jsonLengthBound((value as Record<string, unknown>)[key], depth + 1);
  }
  return total;
}

function textBound(text: unknown): number {
  // Not a string: only the estimate itself can say (it throws where it always threw).
  return typeof text === "string" ? text.length : Number.POSITIVE_INFINITY;
}

function contentBound(content: unknown): number {
  if (content === undefined || content === null) return 0;
  if (typeof content === "string") return content.length;
  if (Array.isArray(content)) {
    let total = 0;
    for (const part of content) {
      if (part && typeof part === "object") {
        const typed = part as { type?: string; text?: string };
        if (typed.type === "text" && typeof typed.text === "string") total += typed.text.length;
        else if (typed.type === "image_url") total += IMAGE_TOKENS;
        else if (typed.type === "video_url") total += VIDEO_TOKENS;
      }
    }
    return total;
  }
  return jsonLengthBound(content);
}

/** An upper bound of `estimateMessageTokens(message)`, from lengths only. */
export function messageTokensUpperBound(message: EstimableMessage): number {
  let total = MESSAGE_OVERHEAD_TOKENS + textBound(message.role) + contentBound(message.content);
  if (message.name) total += textBound(message.name);
  if (message.reasoning_content) total += textBound(message.reasoning_content);
  if (message.tool_calls) total += jsonLengthBound(message.tool_calls);
  if (message.tool_call_id) total += textBound(message.tool_call_id);
  return total;
}

/**
 * An upper bound of `estimatePromptTokens(messages, tools)`, from lengths only: when even this
 * leaves room in the context window, the estimate need not be computed. `Infinity` when some
 * part cannot be bounded without serializing it.
 */
export function promptTokensUpperBound(
  messages: readonly EstimableMessage[],
  tools?: readonly unknown[],
): number {
  let total = REQUEST_OVERHEAD_TOKENS;
  for (const message of messages) total += messageTokensUpperBound(message);
  if (tools && tools.length > 0) total += jsonLengthBound(tools);
  return total;
}
