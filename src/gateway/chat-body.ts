/**
 * Checks the shape of a chat request before anything is repaired or sent: a field of the wrong
 * type is refused here, with a message naming it, instead of costing an upstream call and coming
 * back as the service's terser 400. Fields the gateway does not know pass through unchecked: the
 * service may be newer than this list.
 */
import { invalidRequest } from "./error-envelope.ts";

/** A chat request body as JSON: the checked fields typed, everything else kept as sent. */
export interface ChatBody extends Record<string, unknown> {
  model: string;
  messages: Record<string, unknown>[];
  stream?: boolean;
}

const NUMBER_FIELDS = ["temperature", "top_p", "presence_penalty", "frequency_penalty"];
const INTEGER_FIELDS = ["n", "max_tokens", "max_completion_tokens", "top_logprobs", "seed"];
const BOOLEAN_FIELDS = ["stream", "logprobs", "parallel_tool_calls"];
const OBJECT_FIELDS = ["stream_options", "response_format", "logit_bias", "thinking"];
const ROLES = new Set(["system", "user", "assistant", "tool", "developer"]);

function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function wrongType(field: string, expected: string, value: unknown): never {
  throw invalidRequest(
    `\`${field}\` must be ${expected}, got ${kind(value)} (${JSON.stringify(value)?.slice(0, 60)}). Fix the request; nothing was sent to Kimi.`,
  );
}

/** Checks `body` (parsed JSON) and returns it typed; throws a 400 refusal naming the bad field. */
export function checkChatBody(body: unknown): ChatBody {
  if (!isObject(body)) wrongType("the request body", "a JSON object", body);
  if (typeof body.model !== "string" || body.model.trim() === "") {
    if (body.model === undefined) {
      throw invalidRequest("`model` is missing: name a Kimi model, e.g. kimi-k2.6.");
    }
    wrongType("model", "a model id string", body.model);
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    if (Array.isArray(body.messages)) {
      throw invalidRequest("`messages` is empty: send at least one message.");
    }
    wrongType("messages", "a non-empty array of messages", body.messages);
  }
  body.messages.forEach((message: unknown, index: number) => {
    if (!isObject(message)) wrongType(`messages[${index}]`, "an object", message);
    if (typeof message.role !== "string" || !ROLES.has(message.role)) {
      wrongType(`messages[${index}].role`, "one of system, user, assistant, tool", message.role);
    }
    if (message.tool_calls !== undefined && message.tool_calls !== null) {
      if (!Array.isArray(message.tool_calls)) {
        wrongType(`messages[${index}].tool_calls`, "an array", message.tool_calls);
      }
    }
  });
  for (const field of NUMBER_FIELDS) {
    const value = body[field];
    if (
      value !== undefined &&
      value !== null &&
      (typeof value !== "number" || !Number.isFinite(value))
    ) {
      wrongType(field, "a number", value);
    }
  }
  for (const field of INTEGER_FIELDS) {
    const value = body[field];
    if (value !== undefined && value !== null && !Number.isInteger(value)) {
      wrongType(field, "a whole number", value);
    }
  }
  for (const field of BOOLEAN_FIELDS) {
    const value = body[field];
    if (value !== undefined && value !== null && typeof value !== "boolean") {
      wrongType(field, "true or false", value);
    }
  }
  for (const field of OBJECT_FIELDS) {
    const value = body[field];
    if (value !== undefined && value !== null && !isObject(value))
      wrongType(field, "an object", value);
  }
  if (body.tools !== undefined && body.tools !== null) {
    if (!Array.isArray(body.tools)) wrongType("tools", "an array of tool declarations", body.tools);
    body.tools.forEach((tool: unknown, index: number) => {
      if (!isObject(tool)) wrongType(`tools[${index}]`, "an object", tool);
      if (tool.function !== undefined && !isObject(tool.function)) {
        wrongType(`tools[${index}].function`, "an object", tool.function);
      }
    });
  }
  if (body.stop !== undefined && body.stop !== null && typeof body.stop !== "string") {
    if (!Array.isArray(body.stop) || body.stop.some((item) => typeof item !== "string")) {
      wrongType("stop", "a string or an array of strings", body.stop);
    }
  }
  return body as ChatBody;
}
