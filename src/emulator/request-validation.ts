/**
 * Validation of `POST /v1/chat/completions` bodies the way the service validates them
 * (reference §2, §5.2): per-model sampling rules, tool and tool_choice rules, thinking rules,
 * message layout, context window. The first violation found is thrown as the service's 400/404.
 * Pure: takes the body and the served models, returns a normalized request.
 */
import type { ModelInfo } from "../models/model-info.ts";
import { estimatePromptTokens } from "../tokens/local-estimator.ts";
import { invalidRequest, invalidRequestDetails, modelNotFound } from "./error-responses.ts";

/** A chat message as received (only the fields the emulator reads are typed). */
export interface WireMessage {
  role: string;
  content?: unknown;
  name?: string;
  partial?: boolean;
  reasoning_content?: string | null;
  tool_calls?: WireToolCall[];
  tool_call_id?: string;
}

/** An assistant tool call as received. */
export interface WireToolCall {
  id: string;
  type?: string;
  function: { name: string; arguments?: string };
}

/** A declared tool (`function` or `builtin_function`). */
export interface WireTool {
  type: "function" | "builtin_function";
  function: { name: string; description?: string; parameters?: unknown };
}

/** The validated, normalized request. */
export interface ChatRequest {
  model: ModelInfo;
  messages: WireMessage[];
  tools: WireTool[];
  /** `"auto"`, `"none"`, `"required"`, or a function name forced by the object form. */
  toolChoice: string;
  thinking: boolean;
  stream: boolean;
  includeUsage: boolean;
  n: number;
  /** The explicit output cap (`max_completion_tokens` wins over `max_tokens`, §2.1), if any. */
  maxTokens: number | undefined;
  responseFormat:
    | { type: "text" }
    | { type: "json_object" }
    | { type: "json_schema"; schema: unknown };
  /** Index of the last message when it is an assistant `partial: true` prefill (§2.6). */
  partial: boolean;
  /** Prompt tokens by the shared estimator (without `$web_search` result tokens). */
  promptTokens: number;
}

const ROLES = new Set(["system", "user", "assistant", "tool"]);
const FUNCTION_NAME = /^[a-zA-Z_][a-zA-Z0-9-_]{2,63}$/;
const MAX_TOOLS = 128;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isEmptyContent(content: unknown): boolean {
  if (content === undefined || content === null) return true;
  if (typeof content === "string") return content.length === 0;
  if (Array.isArray(content)) {
    if (content.length === 0) return true;
    return content.every(
      (part) => isObject(part) && part.type === "text" && (part.text === "" || part.text == null),
    );
  }
  return false;
}

function formatNumber(value: number): string {
  return String(value);
}

function checkRange(name: string, value: unknown, min: number, max: number): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw invalidRequestDetails(`${name} must be a number`);
  }
  if (value < min || value > max) {
    throw invalidRequestDetails(`${name} must be in [${min}, ${max}], got ${value}`);
  }
}

/**
 * K2.5 and later have fixed sampling (§2.2): any other value is rejected with
 * `invalid {param}: only {v} is allowed for this model` (observed for temperature).
 */
function checkFixed(name: string, value: unknown, allowed: number): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "number" || Math.abs(value - allowed) > 1e-9) {
    throw invalidRequest(
      `invalid ${name}: only ${formatNumber(allowed)} is allowed for this model`,
    );
  }
}

function resolveThinking(model: ModelInfo, raw: unknown): boolean {
  const mode = model.capabilities.thinking;
  if (raw === undefined || raw === null) return mode !== "none";
  if (!isObject(raw)) throw invalidRequestDetails("thinking must be an object");
  const type = raw.type;
  if (type !== undefined && type !== "enabled" && type !== "disabled") {
    throw invalidRequestDetails(
      `thinking.type must be 'enabled' or 'disabled', got '${String(type)}'`,
    );
  }
  if (raw.keep !== undefined && raw.keep !== null) {
    // keep is K2.6+ (Preserved Thinking); K2.5 answers 400 (§2.7).
    if (!model.capabilities.thinkingKeep) {
      throw invalidRequestDetails(`thinking.keep is not supported for model ${model.id}`);
    }
    if (raw.keep !== "all") throw invalidRequestDetails("thinking.keep must be 'all' or null");
  }
  if (mode === "none") {
    if (type === "enabled")
      throw invalidRequestDetails(`thinking is not supported for model ${model.id}`);
    return false;
  }
  if (mode === "always") {
    if (type === "disabled") {
      throw invalidRequestDetails(`thinking cannot be disabled for model ${model.id}`);
    }
    return true;
  }
  return type !== "disabled";
}

function validateSampling(
  model: ModelInfo,
  body: Record<string, unknown>,
  thinking: boolean,
): number {
  const n = body.n ?? 1;
  if (typeof n !== "number" || !Number.isInteger(n))
    throw invalidRequestDetails("n must be an integer");
  if (model.sampling === "fixed") {
    checkFixed("temperature", body.temperature, thinking ? 1 : 0.6);
    checkFixed("top_p", body.top_p, 0.95);
    checkFixed("n", body.n, 1);
    checkFixed("presence_penalty", body.presence_penalty, 0);
    checkFixed("frequency_penalty", body.frequency_penalty, 0);
    return 1;
  }
  // moonshot-v1 / K2 / K2-thinking: temperature is [0,1], not OpenAI's [0,2] (§2.2).
  checkRange("temperature", body.temperature, 0, 1);
  checkRange("top_p", body.top_p, 0, 1);
  checkRange("presence_penalty", body.presence_penalty, -2, 2);
  checkRange("frequency_penalty", body.frequency_penalty, -2, 2);
  if (n < 1 || n > 5) throw invalidRequestDetails(`n must be between 1 and 5, got ${n}`);
  const defaultTemperature =
    model.sampling === "moonshot-v1" ? 0 : model.sampling === "k2" ? 0.6 : 1;
  const temperature = typeof body.temperature === "number" ? body.temperature : defaultTemperature;
  if (n > 1 && temperature < 0.01) {
    // §2.2: temperature ≈ 0 with n > 1 is a 400 (the default 0 of moonshot-v1 included).
    throw invalidRequestDetails("when temperature is close to 0, n must be 1");
  }
  return n;
}

function validateTools(model: ModelInfo, raw: unknown, thinking: boolean): WireTool[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidRequestDetails("tools must be an array");
  if (raw.length === 0) return [];
  if (!model.capabilities.tools) {
    throw invalidRequestDetails(`model ${model.id} does not support tools`);
  }
  if (raw.length > MAX_TOOLS) {
    throw invalidRequestDetails(`the number of tools exceeds the limit of ${MAX_TOOLS}`);
  }
  const names = new Set<string>();
  const tools: WireTool[] = [];
  raw.forEach((tool, index) => {
    if (!isObject(tool) || !isObject(tool.function) || typeof tool.function.name !== "string") {
      throw invalidRequestDetails(`tools[${index}].function.name is required`);
    }
    const name = tool.function.name;
    if (tool.type === "builtin_function") {
      if (name !== "$web_search") throw invalidRequestDetails(`unknown builtin function ${name}`);
      if (!model.capabilities.webSearch) {
        throw invalidRequestDetails(
          `builtin function $web_search is not supported for model ${model.id}`,
        );
      }
      // §2.5: $web_search is incompatible with thinking on K2.5/K2.6 (disable thinking first).
      if (thinking) {
        throw invalidRequestDetails(
          "builtin function $web_search is incompatible with thinking enabled",
        );
      }
    } else if (tool.type === "function") {
      if (!FUNCTION_NAME.test(name)) {
        throw invalidRequestDetails(
          `function name '${name}' is invalid, must match ^[a-zA-Z_][a-zA-Z0-9-_]{2,63}$`,
        );
      }
      const parameters = tool.function.parameters;
      if (parameters !== undefined && (!isObject(parameters) || parameters.type !== "object")) {
        throw invalidRequestDetails(`tools[${index}].function.parameters must be an object schema`);
      }
    } else {
      throw invalidRequestDetails(`tools[${index}].type must be 'function' or 'builtin_function'`);
    }
    if (names.has(name)) throw invalidRequestDetails(`function name ${name} is duplicated`);
    names.add(name);
    tools.push(tool as unknown as WireTool);
  });
  return tools;
}

function validateToolChoice(
  model: ModelInfo,
  raw: unknown,
  tools: readonly WireTool[],
  thinking: boolean,
): string {
  if (raw === undefined || raw === null || raw === "auto") return "auto";
  if (raw === "none") return "none";
  if (raw === "required") {
    if (model.capabilities.toolChoiceRequired) return "required";
    // §2.4: with thinking on only auto/none; otherwise "required" is unsupported (K3 excepted).
    if (thinking)
      throw invalidRequest("tool_choice 'required' is incompatible with thinking enabled");
    throw invalidRequestDetails("tool_choice 'required' is not supported, use 'auto' or 'none'");
  }
  if (isObject(raw) && isObject(raw.function) && typeof raw.function.name === "string") {
    if (thinking)
      throw invalidRequest("tool_choice 'specified' is incompatible with thinking enabled");
    const name = raw.function.name;
    if (!tools.some((tool) => tool.function.name === name)) {
      throw invalidRequestDetails(`tool_choice names function ${name}, which is not in tools`);
    }
    return `function:${name}`;
  }
  throw invalidRequestDetails("tool_choice must be 'none', 'auto' or a function");
}

function validateMessages(model: ModelInfo, raw: unknown, thinking: boolean): WireMessage[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw invalidRequestDetails("messages must be a non-empty array");
  }
  const messages = raw as WireMessage[];
  let pending = new Set<string>();
  const last = messages.length - 1;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    if (!isObject(message) || typeof message.role !== "string" || !ROLES.has(message.role)) {
      throw invalidRequestDetails(
        `messages[${i}].role must be one of system, user, assistant, tool`,
      );
    }
    const { role } = message;
    if (role !== "tool" && pending.size > 0) {
      // §2.4: every tool call must be answered 1:1 by a tool message before the next turn.
      throw invalidRequestDetails(
        `tool_call_id ${[...pending][0]} in assistant message has no matching tool message`,
      );
    }
    if (message.partial === true) {
      if (i !== last || role !== "assistant") {
        throw invalidRequestDetails(
          "partial is only allowed on the last message, which must be an assistant message",
        );
      }
      if (!model.capabilities.partial) {
        throw invalidRequestDetails(`partial mode is not supported for model ${model.id}`);
      }
    }
    const hasToolCalls =
      role === "assistant" && Array.isArray(message.tool_calls) && message.tool_calls.length > 0;
    const mayBeEmpty = hasToolCalls || (role === "assistant" && message.partial === true);
    if (!mayBeEmpty && isEmptyContent(message.content)) {
      // doc:chat: "content must not be empty".
      throw invalidRequestDetails(
        `the message at position ${i} with role '${role}' must not be empty`,
      );
    }
    if (Array.isArray(message.content)) {
      for (const part of message.content) {
        if (!isObject(part)) continue;
        if (part.type === "image_url" && !model.capabilities.imageInput) {
          throw invalidRequestDetails(`model ${model.id} does not support image input`);
        }
        if (part.type === "video_url" && !model.capabilities.videoInput) {
          throw invalidRequestDetails(`model ${model.id} does not support video input`);
        }
      }
    }
    if (hasToolCalls) {
      // §2.7: thinking models need the reasoning back on every assistant tool-call message.
      if (
        thinking &&
        (message.reasoning_content === undefined || message.reasoning_content === null)
      ) {
        throw invalidRequest(
          `thinking is enabled but reasoning_content is missing in assistant tool call message at index ${i}`,
        );
      }
      pending = new Set();
      for (const call of message.tool_calls as WireToolCall[]) {
        if (!isObject(call) || typeof call.id !== "string") {
          throw invalidRequestDetails(`messages[${i}].tool_calls[].id is required`);
        }
        pending.add(call.id);
      }
    } else if (role === "tool") {
      const id = message.tool_call_id;
      if (typeof id !== "string" || !pending.has(id)) {
        throw invalidRequestDetails(`tool_call_id not found: ${String(id)}`);
      }
      pending.delete(id);
    }
  }
  if (pending.size > 0) {
    throw invalidRequestDetails(
      `tool_call_id ${[...pending][0]} in assistant message has no matching tool message`,
    );
  }
  return messages;
}

function validateResponseFormat(model: ModelInfo, raw: unknown): ChatRequest["responseFormat"] {
  if (raw === undefined || raw === null) return { type: "text" };
  if (!isObject(raw)) throw invalidRequestDetails("response_format must be an object");
  if (raw.type === "text") return { type: "text" };
  if (raw.type === "json_object") {
    if (!model.capabilities.jsonMode) {
      throw invalidRequestDetails(
        `response_format json_object is not supported for model ${model.id}`,
      );
    }
    return { type: "json_object" };
  }
  if (raw.type === "json_schema") {
    if (!model.capabilities.jsonSchema) {
      throw invalidRequestDetails(
        `response_format json_schema is not supported for model ${model.id}`,
      );
    }
    const spec = raw.json_schema;
    if (!isObject(spec) || !isObject(spec.schema)) {
      throw invalidRequestDetails("response_format.json_schema.schema is required");
    }
    return { type: "json_schema", schema: spec.schema };
  }
  throw invalidRequestDetails(`response_format.type '${String(raw.type)}' is not supported`);
}

function positiveInt(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw invalidRequestDetails(`${name} must be a positive integer`);
  }
  return value;
}

/**
 * Validates a chat body against the served models. `extraPromptTokens` is added before the
 * context check (the `$web_search` results a follow-up call injects, §2.5).
 */
export function validateChatRequest(
  body: unknown,
  served: ReadonlyMap<string, ModelInfo>,
  extraPromptTokens: (messages: readonly WireMessage[]) => number = () => 0,
): ChatRequest {
  if (!isObject(body)) throw invalidRequestDetails("request body must be a JSON object");
  if (typeof body.model !== "string" || body.model === "") {
    throw invalidRequestDetails("model is required");
  }
  const model = served.get(body.model);
  if (!model) throw modelNotFound(body.model);
  if (body.functions !== undefined || body.function_call !== undefined) {
    // doc:migrate: the deprecated functions API is not supported.
    throw invalidRequestDetails("functions is not supported, please use tools instead");
  }
  const thinking = resolveThinking(model, body.thinking);
  const n = validateSampling(model, body, thinking);
  const tools = validateTools(model, body.tools, thinking);
  const toolChoice =
    tools.length > 0 ? validateToolChoice(model, body.tool_choice, tools, thinking) : "auto";
  const messages = validateMessages(model, body.messages, thinking);
  const responseFormat = validateResponseFormat(model, body.response_format);
  const maxTokens =
    positiveInt("max_completion_tokens", body.max_completion_tokens) ??
    positiveInt("max_tokens", body.max_tokens);
  if (body.stop !== undefined && body.stop !== null) {
    const stops = Array.isArray(body.stop) ? body.stop : [body.stop];
    if (stops.length > 5 || stops.some((stop) => typeof stop !== "string")) {
      throw invalidRequestDetails("stop must be a string or at most 5 strings");
    }
  }
  const streamOptions = isObject(body.stream_options) ? body.stream_options : undefined;
  const promptTokens = estimatePromptTokens(messages, tools);
  const requested = promptTokens + extraPromptTokens(messages) + (maxTokens ?? 0);
  if (requested > model.contextWindow) {
    // Live 2026 wording (§5.2 "Observed real variants").
    throw invalidRequestDetails(
      `Your request exceeded model token limit: ${model.contextWindow} (requested: ${requested})`,
    );
  }
  const last = messages[messages.length - 1];
  return {
    model,
    messages,
    tools,
    toolChoice,
    thinking,
    stream: body.stream === true,
    includeUsage: body.stream === true && streamOptions?.include_usage === true,
    n,
    maxTokens,
    responseFormat,
    partial: last?.role === "assistant" && last.partial === true,
    promptTokens,
  };
}
