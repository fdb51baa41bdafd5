/**
 * Validation of `POST /v1/chat/completions` bodies the way the service validates them
 * (docs/moonshot-wire.md "Sampling", "Thinking", "Tools", "Errors"): per-model sampling rules
 * (from the catalog's `sampling` and capabilities), tool and tool_choice rules, thinking rules,
 * `reasoning_effort`, image data, MFJS response schemas, message layout, context window. The first
 * violation found is thrown as the service's 400/404, with the recorded text where there is one.
 * Pure: takes the body and the served models, returns a normalized request.
 */
import type { ModelInfo } from "../models/model-info.ts";
import { estimatePromptTokens } from "../tokens/local-estimator.ts";
import { invalidRequest, invalidRequestDetails, modelNotFound } from "./error-responses.ts";
import { dataUrlImageFormat } from "./image-format.ts";
import { mfjsViolation } from "./mfjs-check.ts";

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

/**
 * A declared tool (`function`, `builtin_function` for `$web_search`, or `plugin`, which the
 * service accepts and the emulator never calls; a plugin declaration may have no `function`).
 */
export interface WireTool {
  type: "function" | "builtin_function" | "plugin";
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
  /** The explicit output cap (`max_completion_tokens` wins over `max_tokens`), if any. */
  maxTokens: number | undefined;
  responseFormat:
    | { type: "text" }
    | { type: "json_object" }
    | { type: "json_schema"; schema: unknown };
  /** Whether the last message is an assistant `partial: true` prefill. */
  partial: boolean;
  /** `reasoning_effort` as sent, on a model that takes it. */
  reasoningEffort: string | undefined;
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
 * K2.5 and later have fixed sampling: any other value is rejected with
 * `invalid {param}: only {v} is allowed for this model` (recorded for temperature, top_p and the
 * penalties; docs/moonshot-wire.md "Sampling").
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
    // keep is K2.6+ (Preserved Thinking); K2.5 answered 400.
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
    // Recorded on kimi-k2.7-code; used for every model that always reasons.
    if (type === "disabled") {
      throw invalidRequest("invalid thinking: only type=enabled is allowed for this model");
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
  // moonshot-v1 / K2 / K2-thinking: temperature is [0,1], not OpenAI's [0,2] (docs).
  checkRange("temperature", body.temperature, 0, 1);
  checkRange("top_p", body.top_p, 0, 1);
  checkRange("presence_penalty", body.presence_penalty, -2, 2);
  checkRange("frequency_penalty", body.frequency_penalty, -2, 2);
  if (n < 1 || n > 5) throw invalidRequestDetails(`n must be between 1 and 5, got ${n}`);
  const defaultTemperature =
    model.sampling === "moonshot-v1" ? 0 : model.sampling === "k2" ? 0.6 : 1;
  const temperature = typeof body.temperature === "number" ? body.temperature : defaultTemperature;
  if (n > 1 && temperature < 0.01) {
    // Temperature ≈ 0 with n > 1 is a 400 (the default 0 of moonshot-v1 included; docs).
    throw invalidRequestDetails("when temperature is close to 0, n must be 1");
  }
  return n;
}

/**
 * `logprobs`, `top_logprobs` and `logit_bias` (recorded on K3, whose catalog row refuses
 * logprobs and logit_bias; `top_logprobs` without `logprobs: true` is refused on every model).
 */
function validateLogprobs(model: ModelInfo, body: Record<string, unknown>): void {
  const caps = model.capabilities;
  if (body.logprobs === true && !caps.logprobs) {
    throw invalidRequest("invalid logprobs: only false is allowed for this model");
  }
  if (body.top_logprobs !== undefined && body.top_logprobs !== null && body.logprobs !== true) {
    throw invalidRequestDetails("logprobs must be set to true if top_logprobs is used");
  }
  if (body.logit_bias !== undefined && body.logit_bias !== null && !caps.logitBias) {
    throw invalidRequestDetails("logit_bias is not supported yet");
  }
}

/**
 * `reasoning_effort`: one of the catalog's `reasoningEfforts` on a model that lists some (K3:
 * low, high, max). On other models nobody has recorded the service's answer; the emulator
 * refuses it, as the library does before sending (docs/emulator.md).
 */
function validateReasoningEffort(model: ModelInfo, raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const efforts: readonly string[] = model.capabilities.reasoningEfforts;
  if (efforts.length === 0) {
    throw invalidRequestDetails(`reasoning_effort is not supported for model ${model.id}`);
  }
  if (typeof raw !== "string" || !efforts.includes(raw)) {
    throw invalidRequestDetails(
      `reasoning_effort must be one of ${efforts.join(", ")}, got '${String(raw)}'`,
    );
  }
  return raw;
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
    const type = isObject(tool) ? tool.type : undefined;
    if (type === "plugin") {
      // Accepted by the service ("only function and plugin are supported"); never called here.
      tools.push(tool as unknown as WireTool);
      return;
    }
    if (type !== "function" && type !== "builtin_function") {
      // Recorded text; builtin_function ($web_search) is accepted although it is not named.
      throw invalidRequestDetails(
        `unknown tool type: ${typeof type === "string" ? type : ""}, currently only function and plugin are supported`,
      );
    }
    if (!isObject(tool) || !isObject(tool.function) || typeof tool.function.name !== "string") {
      throw invalidRequestDetails(`tools[${index}].function.name is required`);
    }
    const name = tool.function.name;
    if (type === "builtin_function") {
      if (name !== "$web_search") throw invalidRequestDetails(`unknown builtin function ${name}`);
      if (!model.capabilities.webSearch) {
        throw invalidRequestDetails(
          `builtin function $web_search is not supported for model ${model.id}`,
        );
      }
      // $web_search is incompatible with thinking on K2.5/K2.6 (docs: disable thinking first).
      if (thinking) {
        throw invalidRequestDetails(
          "builtin function $web_search is incompatible with thinking enabled",
        );
      }
    } else {
      if (!FUNCTION_NAME.test(name)) {
        throw invalidRequestDetails(
          `function name '${name}' is invalid, must match ^[a-zA-Z_][a-zA-Z0-9-_]{2,63}$`,
        );
      }
      const parameters = tool.function.parameters;
      if (parameters !== undefined && (!isObject(parameters) || parameters.type !== "object")) {
        throw invalidRequestDetails(`tools[${index}].function.parameters must be an object schema`);
      }
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
    // With thinking on only auto/none (recorded); otherwise "required" is unsupported (K3 excepted).
    if (thinking)
      throw invalidRequest("tool_choice 'required' is incompatible with thinking enabled");
    throw invalidRequestDetails("tool_choice 'required' is not supported, use 'auto' or 'none'");
  }
  if (isObject(raw) && isObject(raw.function) && typeof raw.function.name === "string") {
    if (thinking)
      throw invalidRequest("tool_choice 'specified' is incompatible with thinking enabled");
    const name = raw.function.name;
    if (!tools.some((tool) => tool.type === "function" && tool.function.name === name)) {
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
      // Every tool call must be answered 1:1 by a tool message before the next turn (docs).
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
      // The docs: "content must not be empty".
      throw invalidRequestDetails(
        `the message at position ${i} with role '${role}' must not be empty`,
      );
    }
    if (Array.isArray(message.content)) {
      for (const part of message.content) {
        if (!isObject(part)) continue;
        if (part.type === "image_url") {
          if (!model.capabilities.imageInput) {
            throw invalidRequestDetails(`model ${model.id} does not support image input`);
          }
          // The service sniffs the bytes of a data URL, whatever MIME type it declares (recorded).
          const url = isObject(part.image_url) ? part.image_url.url : undefined;
          const format = typeof url === "string" ? dataUrlImageFormat(url) : undefined;
          if (format !== undefined && !format.image) {
            throw invalidRequestDetails(`unsupported image format: ${format.mime}`);
          }
        }
        if (part.type === "video_url" && !model.capabilities.videoInput) {
          throw invalidRequestDetails(`model ${model.id} does not support video input`);
        }
      }
    }
    if (hasToolCalls) {
      // Thinking models need the reasoning back on every assistant tool-call message (docs).
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
    const violation = mfjsViolation(spec.schema);
    if (violation !== undefined) {
      // Recorded text; "<" and ">" go out escaped like every error text.
      throw invalidRequestDetails(
        `response_format.json_schema is not a valid moonshot flavored json schema, details: <At path '${violation.path}': ${violation.problem}>`,
      );
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
 * context check (the `$web_search` results a follow-up call injects).
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
    // The deprecated functions API is not supported (docs).
    throw invalidRequestDetails("functions is not supported, please use tools instead");
  }
  const thinking = resolveThinking(model, body.thinking);
  const n = validateSampling(model, body, thinking);
  validateLogprobs(model, body);
  const reasoningEffort = validateReasoningEffort(model, body.reasoning_effort);
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
    // Recorded 2026 wording.
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
    reasoningEffort,
    promptTokens,
  };
}
