/**
 * Model-aware request policy: each model family's parameter rules (reference §2.2-§2.7), applied
 * before a request goes out. Pure functions; no I/O.
 *
 * The policy fixes what it safely can and refuses what it cannot:
 * - A configured default (KIMI_TEMPERATURE, KIMI_MAX_TOKENS) is adapted to the model: not sent to
 *   fixed-sampling models, clamped to what the context window leaves after the prompt.
 * - A value the user set explicitly on the request is never changed silently: if the model cannot
 *   take it, an {@link InvalidRequestError} (or {@link ContextOverflowError}) is thrown.
 * - An id the catalog does not know is sent as-is with generic range checks only: the service
 *   may be newer than this library and decides. The configured default temperature is not sent
 *   to it (a newer model may have fixed sampling, where any value but its own is a 400).
 */
import type { ChatRequest, ThinkingSetting, ToolChoice } from "../chat/types.ts";
import type { KimiWarning } from "../chat/warnings.ts";
import { ContextOverflowError, InvalidRequestError } from "../errors/error-classes.ts";
import type { ModelInfo, ReasoningEffort } from "./model-info.ts";

/** What the policy needs besides the request. */
export interface PolicyContext {
  /** The model id the request is for. */
  modelId: string;
  /** Its catalog entry; `undefined` for an id the catalog does not know. */
  model: ModelInfo | undefined;
  /** Configured defaults (KIMI_TEMPERATURE, KIMI_MAX_TOKENS). */
  defaults: { temperature: number; maxTokens: number };
  /** Estimated prompt tokens (messages + tools). */
  promptTokens: number;
  /** Ids of the online models that take `reasoning_effort`, to name them when refusing it. */
  reasoningEffortModels?: () => readonly string[];
}

/** The model-dependent wire fields to send, and what was adjusted. */
export interface PolicyDecision {
  /** Wire fields: `temperature`, `top_p`, `n`, penalties, `max_tokens`, `thinking`, `tool_choice`. */
  params: Record<string, unknown>;
  /** Whether the model will think (`undefined` when unknown). */
  thinking: boolean | undefined;
  /** The output cap sent, if any. */
  maxTokens: number | undefined;
  /** Human-readable notes of what the policy changed (for debug output). */
  adjustments: string[];
  /** What the caller should be told (an output cap raised or too small for a thinking model). */
  warnings: KimiWarning[];
}

/**
 * The smallest output cap worth sending to a thinking model. Reasoning tokens count against
 * `max_tokens`, and a small cap is spent on reasoning alone: HTTP 200, `finish_reason: "length"`,
 * empty `content` (recorded with kimi-k2.6 at 32 tokens). Moonshot's docs ask for at least
 * 16,000 on thinking models (docs/moonshot-wire.md, "Thinking").
 */
export const THINKING_MIN_OUTPUT_TOKENS = 16_000;

/** Every `reasoning_effort` value any model takes (docs/moonshot-wire.md, "Thinking"). */
export const REASONING_EFFORTS: readonly ReasoningEffort[] = ["low", "high", "max"];

/** Temperature K2.5+ accept with thinking on / off (reference §2.2). */
export const FIXED_TEMPERATURE = { thinking: 1, nonThinking: 0.6 } as const;
/** top_p K2.5+ accept (reference §2.2). */
export const FIXED_TOP_P = 0.95;

const FUNCTION_NAME = /^[a-zA-Z_][a-zA-Z0-9_-]{2,63}$/;

function refuse(message: string): never {
  throw new InvalidRequestError(`${message} Nothing was sent.`);
}

function checkRange(name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    refuse(
      `\`${name}\` is ${String(value)}: it must be a number from ${min} to ${max} on Moonshot.`,
    );
  }
}

function checkGeneric(request: ChatRequest): void {
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    refuse("`messages` is empty: send at least one message.");
  }
  // Moonshot's temperature range is [0, 1], not OpenAI's [0, 2] (reference §2.2).
  checkRange("temperature", request.temperature, 0, 1);
  checkRange("topP", request.topP, 0, 1);
  checkRange("presencePenalty", request.presencePenalty, -2, 2);
  checkRange("frequencyPenalty", request.frequencyPenalty, -2, 2);
  if (request.n !== undefined && (!Number.isInteger(request.n) || request.n < 1 || request.n > 5)) {
    refuse(`\`n\` is ${String(request.n)}: Moonshot allows a whole number from 1 to 5.`);
  }
  if (
    request.maxTokens !== undefined &&
    (!Number.isInteger(request.maxTokens) || request.maxTokens < 1)
  ) {
    refuse(`\`maxTokens\` is ${String(request.maxTokens)}: it must be a positive whole number.`);
  }
  if (
    request.reasoningEffort !== undefined &&
    !REASONING_EFFORTS.includes(request.reasoningEffort)
  ) {
    refuse(
      `\`reasoningEffort\` is ${JSON.stringify(request.reasoningEffort)}: use one of ${REASONING_EFFORTS.join(", ")}.`,
    );
  }
  if (request.logprobs !== undefined && typeof request.logprobs !== "boolean") {
    refuse(`\`logprobs\` is ${JSON.stringify(request.logprobs)}: use true or false.`);
  }
  if (
    request.topLogprobs !== undefined &&
    (!Number.isInteger(request.topLogprobs) || request.topLogprobs < 0 || request.topLogprobs > 20)
  ) {
    refuse(`\`topLogprobs\` is ${String(request.topLogprobs)}: use a whole number from 0 to 20.`);
  }
  // The service says so for K3 (docs/moonshot-wire.md, "Sampling"); OpenAI-style APIs agree.
  if (request.topLogprobs !== undefined && request.logprobs !== true) {
    refuse("`topLogprobs` needs `logprobs: true`: set both, or remove `topLogprobs`.");
  }
  if (request.logitBias !== undefined) {
    if (typeof request.logitBias !== "object" || request.logitBias === null) {
      refuse("`logitBias` must be an object mapping token ids to numbers from -100 to 100.");
    }
    for (const [token, bias] of Object.entries(request.logitBias)) {
      if (typeof bias !== "number" || !Number.isFinite(bias) || bias < -100 || bias > 100) {
        refuse(
          `\`logitBias\` for token ${token} is ${String(bias)}: use a number from -100 to 100.`,
        );
      }
    }
  }
  if (Array.isArray(request.stop) && request.stop.length > 5) {
    refuse(`\`stop\` has ${request.stop.length} entries: Moonshot allows at most 5.`);
  }
  const tools = request.tools ?? [];
  if (tools.length > 128) refuse(`${tools.length} tools declared: Moonshot allows at most 128.`);
  const names = new Set<string>();
  for (const tool of tools) {
    const name = tool.function.name;
    if (tool.type === "function" && !FUNCTION_NAME.test(name)) {
      refuse(
        `Tool name "${name}" is invalid: use 3-64 letters, digits, _ or -, starting with a letter or _ (reference §2.4).`,
      );
    }
    if (names.has(name)) refuse(`Tool "${name}" is declared twice: tool names must be unique.`);
    names.add(name);
  }
  const partialAt = request.messages.findIndex(
    (message) => message.role === "assistant" && message.partial === true,
  );
  if (partialAt !== -1 && partialAt !== request.messages.length - 1) {
    refuse("`partial: true` is only allowed on the last message, which must be the assistant's.");
  }
}

function requestedThinking(request: ChatRequest): ThinkingSetting | undefined {
  const { thinking } = request;
  if (thinking === undefined) return undefined;
  if (typeof thinking === "boolean") return { type: thinking ? "enabled" : "disabled" };
  return thinking;
}

function describeChoice(choice: ToolChoice): string {
  return typeof choice === "string" ? choice : "specified";
}

/**
 * Applies the rules of `context.model` to `request`. Returns the model-dependent wire fields;
 * throws {@link InvalidRequestError} for what cannot be sent and {@link ContextOverflowError}
 * when the prompt plus an explicit `maxTokens` exceeds the context window.
 */
export function applyRequestPolicy(request: ChatRequest, context: PolicyContext): PolicyDecision {
  checkGeneric(request);
  const { model, modelId, defaults } = context;
  const params: Record<string, unknown> = {};
  const adjustments: string[] = [];
  const warnings: KimiWarning[] = [];
  const requested = requestedThinking(request);

  // Thinking (reference §2.7): only models that can toggle take the `thinking` field.
  let thinking: boolean | undefined;
  if (!model) {
    if (requested) params.thinking = requested;
    thinking = requested ? requested.type === "enabled" : undefined;
  } else if (model.capabilities.thinking === "none") {
    if (requested?.type === "enabled") {
      refuse(
        `${modelId} does not think: remove \`thinking\` or use a thinking model such as kimi-k2.6.`,
      );
    }
    if (requested) adjustments.push("thinking not sent: the model has no thinking mode");
    thinking = false;
  } else if (model.capabilities.thinking === "always") {
    if (requested?.type === "disabled") {
      // The service answers 400 "invalid thinking: only type=enabled is allowed for this model"
      // (recorded for kimi-k2.7-code; docs/moonshot-wire.md, "Models and lineup").
      refuse(
        `${modelId} always reasons: Moonshot refuses \`thinking: {type: "disabled"}\` for it. Remove \`thinking: false\`, or use kimi-k2.6, the online model that can turn thinking off.`,
      );
    }
    if (requested) adjustments.push("thinking not sent: the model always reasons");
    thinking = true;
  } else {
    if (
      requested?.keep !== undefined &&
      requested.keep !== null &&
      !model.capabilities.thinkingKeep
    ) {
      refuse(
        `${modelId} does not accept \`thinking.keep\` (Preserved Thinking is kimi-k2.6 and later; reference §2.7).`,
      );
    }
    if (requested) params.thinking = requested;
    thinking = requested?.type !== "disabled";
  }

  // Sampling (reference §2.2).
  let temperature: number | undefined;
  if (model?.sampling === "fixed") {
    const fixed = thinking === false ? FIXED_TEMPERATURE.nonThinking : FIXED_TEMPERATURE.thinking;
    const mode = thinking === false ? "with thinking disabled" : "with thinking on";
    if (request.temperature !== undefined && request.temperature !== fixed) {
      refuse(
        `${modelId} only allows temperature ${fixed} ${mode} (fixed sampling, reference §2.2); you set ${request.temperature}. Remove \`temperature\`.`,
      );
    }
    if (request.topP !== undefined && request.topP !== FIXED_TOP_P) {
      refuse(
        `${modelId} only allows top_p ${FIXED_TOP_P} (fixed sampling); you set ${request.topP}. Remove \`topP\`.`,
      );
    }
    if (request.n !== undefined && request.n !== 1) {
      refuse(
        `${modelId} only allows n = 1 (fixed sampling); you set ${request.n}. Make ${request.n} separate calls instead.`,
      );
    }
    for (const [name, value] of [
      ["presencePenalty", request.presencePenalty],
      ["frequencyPenalty", request.frequencyPenalty],
    ] as const) {
      if (value !== undefined && value !== 0) {
        refuse(`${modelId} only allows ${name} 0 (fixed sampling); you set ${value}. Remove it.`);
      }
    }
    // The service applies its fixed values itself; sending even the allowed value is reported to
    // fail on some routes (reference §2.2 [uncertain]), so none of them is sent.
    adjustments.push("sampling parameters not sent: the model uses fixed sampling");
  } else {
    temperature = request.temperature ?? (model ? defaults.temperature : undefined);
    if (temperature !== undefined) params.temperature = temperature;
    if (request.topP !== undefined) params.top_p = request.topP;
    if (request.n !== undefined) params.n = request.n;
    if (request.presencePenalty !== undefined) params.presence_penalty = request.presencePenalty;
    if (request.frequencyPenalty !== undefined) params.frequency_penalty = request.frequencyPenalty;
    if ((request.n ?? 1) > 1 && temperature !== undefined && temperature <= 0) {
      const origin =
        request.temperature === undefined ? " (the configured default, KIMI_TEMPERATURE)" : "";
      refuse(
        `n = ${request.n} needs a temperature above 0; the temperature is ${temperature}${origin} (reference §2.2). Set \`temperature\`, e.g. 0.3.`,
      );
    }
  }

  // reasoning_effort, logprobs, logit_bias (docs/moonshot-wire.md, "Sampling" and "Thinking").
  if (request.reasoningEffort !== undefined) {
    const efforts = model?.capabilities.reasoningEfforts;
    if (efforts !== undefined && !efforts.includes(request.reasoningEffort)) {
      const takers = context.reasoningEffortModels?.() ?? [];
      const who =
        takers.length > 0
          ? `only ${takers.join(", ")} take${takers.length === 1 ? "s" : ""} it`
          : "no known model takes it";
      refuse(
        efforts.length === 0
          ? `${modelId} does not take \`reasoningEffort\` (reasoning_effort): ${who}. Remove it, or use ${takers[0] ?? "a model that accepts it"}.`
          : `${modelId} takes \`reasoningEffort\` ${efforts.join(", ")}, not ${JSON.stringify(request.reasoningEffort)}.`,
      );
    }
    params.reasoning_effort = request.reasoningEffort;
  }
  if (model && !model.capabilities.logprobs) {
    if (request.logprobs === true) {
      refuse(
        `${modelId} does not return log probabilities (Moonshot answers "only false is allowed" for logprobs). Remove \`logprobs\` and \`topLogprobs\`, or use kimi-k2.6.`,
      );
    }
  }
  if (request.logprobs !== undefined) params.logprobs = request.logprobs;
  if (request.topLogprobs !== undefined) params.top_logprobs = request.topLogprobs;
  if (request.logitBias !== undefined) {
    if (model && !model.capabilities.logitBias) {
      refuse(
        `${modelId} does not support \`logitBias\` (Moonshot answers "logit_bias is not supported yet"). Remove it, or use kimi-k2.6.`,
      );
    }
    params.logit_bias = request.logitBias;
  }

  // Tools and tool_choice (reference §2.4, §2.5).
  const tools = request.tools ?? [];
  if (model && tools.length > 0 && !model.capabilities.tools) {
    refuse(`${modelId} does not support tool calls: remove \`tools\` or use a K2-family model.`);
  }
  const webSearch = tools.some((tool) => tool.function.name === "$web_search");
  if (model && webSearch) {
    if (!model.capabilities.webSearch) {
      refuse(`${modelId} does not support the builtin $web_search tool (reference §2.5).`);
    }
    if (thinking === true) {
      refuse(
        `$web_search does not work with thinking on ${modelId} (reference §2.5): pass \`thinking: false\`.`,
      );
    }
  }
  if (request.toolChoice !== undefined) {
    const choice = request.toolChoice;
    if (model) {
      if (choice === "required" && !model.capabilities.toolChoiceRequired) {
        refuse(
          `${modelId} does not support tool_choice "required" (reference §2.4): use "auto" and say in the prompt which tool to call.`,
        );
      }
      if (thinking === true && typeof choice === "object") {
        refuse(
          `tool_choice '${describeChoice(choice)}' is incompatible with thinking on ${modelId}: use "auto" or "none", or pass \`thinking: false\` (reference §2.4).`,
        );
      }
    }
    params.tool_choice = choice;
  }

  // Response format and partial mode (reference §2.3, §2.6).
  const format = request.responseFormat?.type;
  const last = request.messages[request.messages.length - 1];
  const partial = last?.role === "assistant" && last.partial === true;
  if (model) {
    if (format === "json_object" && !model.capabilities.jsonMode) {
      refuse(`${modelId} does not support JSON mode (response_format json_object).`);
    }
    if (format === "json_schema" && !model.capabilities.jsonSchema) {
      refuse(
        `${modelId} does not support response_format json_schema: use json_object and describe the shape in the prompt, or a K2-family model.`,
      );
    }
    if (partial && !model.capabilities.partial) {
      refuse(
        `${modelId} does not support partial mode (an assistant prefix with \`partial: true\`).`,
      );
    }
  }
  if (partial && format === "json_object") {
    refuse("Partial mode cannot be combined with response_format json_object (reference §2.6).");
  }

  // Output cap (reference §2.2: output ≤ context - prompt; §2.1: prompt + max > context is a 400).
  let maxTokens: number | undefined;
  const window = model?.contextWindow;
  // Thinking models: reasoning counts against max_tokens (see THINKING_MIN_OUTPUT_TOKENS). A
  // configured default below the minimum is raised (and said so); an explicit value is sent as
  // given, with a warning.
  if (request.maxTokens !== undefined) {
    maxTokens = request.maxTokens;
    if (window !== undefined && context.promptTokens + maxTokens > window) {
      throw overflow(modelId, window, context.promptTokens, maxTokens);
    }
    if (thinking === true && maxTokens < THINKING_MIN_OUTPUT_TOKENS) {
      warnings.push({
        code: "max-tokens-low-for-thinking",
        message: `maxTokens ${maxTokens} is small for ${modelId}, which reasons before it answers: reasoning counts against the cap and may use all of it, leaving an empty answer (finish_reason "length"). Moonshot recommends at least ${THINKING_MIN_OUTPUT_TOKENS} on thinking models; sent as given.`,
        model: modelId,
        maxTokens,
        recommended: THINKING_MIN_OUTPUT_TOKENS,
      });
    }
  } else if (window !== undefined) {
    const room = window - context.promptTokens;
    if (room < 1) throw overflow(modelId, window, context.promptTokens, 0);
    const raise = thinking === true && defaults.maxTokens < THINKING_MIN_OUTPUT_TOKENS;
    const wanted = raise ? THINKING_MIN_OUTPUT_TOKENS : defaults.maxTokens;
    maxTokens = Math.min(wanted, room);
    if (raise) {
      adjustments.push(
        `max_tokens raised from the configured ${defaults.maxTokens} to ${maxTokens} for a thinking model`,
      );
      warnings.push({
        code: "max-tokens-raised-for-thinking",
        message: `The configured output cap (KIMI_MAX_TOKENS / maxTokens option) of ${defaults.maxTokens} is too small for ${modelId}, which reasons before it answers; ${maxTokens} was sent instead. Pass \`maxTokens\` on the request to send a smaller cap anyway.`,
        model: modelId,
        configured: defaults.maxTokens,
        sent: maxTokens,
      });
    }
    if (maxTokens < wanted) {
      adjustments.push(
        `max_tokens clamped from ${wanted} to ${maxTokens} to fit the context window`,
      );
    }
  } else {
    maxTokens = defaults.maxTokens;
  }
  params.max_tokens = maxTokens;

  return { params, thinking, maxTokens, adjustments, warnings };
}

function overflow(
  modelId: string,
  window: number,
  prompt: number,
  maxTokens: number,
): ContextOverflowError {
  const requested = prompt + maxTokens;
  const what =
    maxTokens === 0
      ? `The prompt alone (about ${prompt} tokens)`
      : `The prompt (about ${prompt} tokens) plus maxTokens ${maxTokens}`;
  return new ContextOverflowError(
    `${what} exceeds ${modelId}'s context window of ${window} tokens by ${requested - window} tokens. Shorten the conversation, lower maxTokens, or use a model with a larger window. Nothing was sent.`,
    { limit: window, requested },
  );
}
