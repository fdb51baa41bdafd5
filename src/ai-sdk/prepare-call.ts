/**
 * One AI SDK call (`LanguageModelV4CallOptions`) as a request to the library's client, with the
 * specification's warnings for every setting that cannot be sent:
 * - sampling settings on fixed-sampling models (every model since K2.5 answers a 400 to any
 *   other value than its own, docs/moonshot-wire.md, "Sampling"): dropped, with a warning;
 * - `topK` and `seed`: Moonshot has neither;
 * - `reasoning` / `reasoningEffort` on a model without `reasoning_effort`, and thinking switches
 *   on models that always or never think.
 * Everything else (tool names, `tool_choice` against thinking, the context window) is left to
 * the library's request policy, which refuses before sending what the service would refuse.
 */
import type { LanguageModelV4CallOptions, SharedV4Warning } from "@ai-sdk/provider";
import {
  type ChatFileItem,
  type ChatMessage,
  type ChatRequest,
  FIXED_TEMPERATURE,
  FIXED_TOP_P,
  type ModelInfo,
  type ReasoningEffort,
  type RequestOptions,
  type ThinkingSetting,
} from "kimi-provider";
import { thinkingEnabled } from "kimi-provider/internal";
import { convertPrompt } from "./convert-prompt.ts";
import { prepareTools } from "./prepare-tools.ts";
import { parseKimiOptions } from "./provider-options.ts";
import { convertResponseFormat } from "./response-format.ts";

/** A call ready for `kimi.chat` / `kimi.stream` (or their with-files forms). */
export interface PreparedCall {
  request: ChatRequest;
  /** Documents to upload, extract and put in front of the conversation. */
  documents: ChatFileItem[];
  /** Per-call transport options (abort signal, headers). */
  requestOptions: RequestOptions;
  /** Partial mode: the assistant prefix the model continues (not part of the answer). */
  prefix: string;
  warnings: SharedV4Warning[];
}

type SpecReasoning = LanguageModelV4CallOptions["reasoning"];

/** The AI SDK's `reasoning` levels on Moonshot's `reasoning_effort` scale (low, high, max). */
function effortFor(reasoning: SpecReasoning): ReasoningEffort | undefined {
  switch (reasoning) {
    case "minimal":
    case "low":
      return "low";
    case "medium":
    case "high":
      return "high";
    case "xhigh":
    case "max":
      return "max";
    default:
      return undefined;
  }
}

function isOn(thinking: boolean | ThinkingSetting | undefined): boolean | undefined {
  if (thinking === undefined) return undefined;
  return typeof thinking === "boolean" ? thinking : thinking.type === "enabled";
}

function definedHeaders(
  headers: Record<string, string | undefined> | undefined,
): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) result[name] = value;
  return result;
}

/** Turns the call options into a client request for `modelId` (`model`: its catalog entry). */
export function prepareCall(
  options: LanguageModelV4CallOptions,
  modelId: string,
  model: ModelInfo | undefined,
): PreparedCall {
  const warnings: SharedV4Warning[] = [];
  const kimiOptions = parseKimiOptions(options.providerOptions, warnings);
  const mode = model?.capabilities.thinking;

  // Thinking: providerOptions.kimi.thinking wins over the AI SDK's `reasoning` level.
  let thinking: boolean | ThinkingSetting | undefined = kimiOptions.thinking;
  const reasoning = options.reasoning;
  if (thinking === undefined && reasoning !== undefined && reasoning !== "provider-default") {
    if (mode === "toggle" || mode === undefined) thinking = reasoning !== "none";
    else if (mode === "always" && reasoning === "none") {
      warnings.push({
        type: "unsupported",
        feature: 'reasoning "none"',
        details: `${modelId} always reasons; thinking cannot be turned off.`,
      });
    } else if (mode === "none" && reasoning !== "none") {
      warnings.push({
        type: "unsupported",
        feature: "reasoning",
        details: `${modelId} does not think.`,
      });
    }
  }
  if (kimiOptions.webSearch === true && thinking === undefined && mode === "toggle") {
    // The service refuses $web_search with thinking on (docs/moonshot-wire.md, "Tools").
    thinking = false;
    warnings.push({
      type: "compatibility",
      feature: "webSearch",
      details: `thinking was turned off on ${modelId}: $web_search needs it off.`,
    });
  }
  if (
    thinking !== undefined &&
    (mode === "always" || mode === "none") &&
    isOn(thinking) !== (mode === "always")
  ) {
    // The policy would refuse; say so here as the specification's warning and send nothing.
    warnings.push({
      type: "unsupported",
      feature: "thinking",
      details: `${modelId} ${mode === "always" ? "always reasons" : "does not think"}; the setting was not sent.`,
    });
    thinking = undefined;
  }
  const thinkingOn =
    model !== undefined ? thinkingEnabled(model, thinking) : isOn(thinking) === true;

  let reasoningEffort = kimiOptions.reasoningEffort ?? effortFor(reasoning);
  if (
    reasoningEffort !== undefined &&
    model !== undefined &&
    !model.capabilities.reasoningEfforts.includes(reasoningEffort)
  ) {
    if (
      kimiOptions.reasoningEffort !== undefined ||
      model.capabilities.reasoningEfforts.length > 0
    ) {
      warnings.push({
        type: "unsupported",
        feature: "reasoningEffort",
        details:
          model.capabilities.reasoningEfforts.length === 0
            ? `${modelId} takes no reasoning_effort; it was not sent.`
            : `${modelId} takes reasoning_effort ${model.capabilities.reasoningEfforts.join(", ")}; "${reasoningEffort}" was not sent.`,
      });
    }
    reasoningEffort = undefined;
  }

  // Sampling.
  const request: ChatRequest = { model: modelId, messages: [] };
  if (model?.sampling === "fixed") {
    const fixedTemperature = thinkingOn
      ? FIXED_TEMPERATURE.thinking
      : FIXED_TEMPERATURE.nonThinking;
    const fixed: [string, number | undefined, number][] = [
      ["temperature", options.temperature, fixedTemperature],
      ["topP", options.topP, FIXED_TOP_P],
      ["presencePenalty", options.presencePenalty, 0],
      ["frequencyPenalty", options.frequencyPenalty, 0],
    ];
    for (const [feature, value, allowed] of fixed) {
      if (value !== undefined && value !== allowed) {
        warnings.push({
          type: "unsupported",
          feature,
          details: `${modelId} uses fixed sampling (${feature} ${allowed}); ${value} was not sent.`,
        });
      }
    }
  } else {
    if (options.temperature !== undefined) request.temperature = options.temperature;
    if (options.topP !== undefined) request.topP = options.topP;
    if (options.presencePenalty !== undefined) request.presencePenalty = options.presencePenalty;
    if (options.frequencyPenalty !== undefined) request.frequencyPenalty = options.frequencyPenalty;
  }
  if (options.topK !== undefined) {
    warnings.push({ type: "unsupported", feature: "topK", details: "Moonshot has no top_k." });
  }
  if (options.seed !== undefined) {
    warnings.push({ type: "unsupported", feature: "seed", details: "Moonshot has no seed." });
  }
  if (options.maxOutputTokens !== undefined) request.maxTokens = options.maxOutputTokens;
  if (options.stopSequences !== undefined && options.stopSequences.length > 0) {
    request.stop = options.stopSequences;
  }

  const tools = prepareTools(
    options.tools,
    options.toolChoice,
    kimiOptions.webSearch === true,
    warnings,
  );
  if (tools.tools) request.tools = tools.tools;
  if (tools.toolChoice) request.toolChoice = tools.toolChoice;

  const format = convertResponseFormat(options.responseFormat, model, warnings);
  if (format.responseFormat) request.responseFormat = format.responseFormat;

  const converted = convertPrompt(options.prompt, { thinking: thinkingOn }, warnings);
  const messages: ChatMessage[] = converted.messages;
  if (format.instruction !== undefined)
    messages.unshift({ role: "system", content: format.instruction });
  let prefix = "";
  const last = messages[messages.length - 1];
  if (kimiOptions.partial === true) {
    if (last?.role === "assistant") last.partial = true;
    else {
      warnings.push({
        type: "other",
        message:
          "providerOptions.kimi.partial needs the prompt to end with an assistant message; it was ignored.",
      });
    }
  }
  if (last?.role === "assistant" && last.partial === true && typeof last.content === "string") {
    prefix = last.content;
  }
  request.messages = messages;

  if (thinking !== undefined) request.thinking = thinking;
  if (kimiOptions.promptCacheKey !== undefined) request.promptCacheKey = kimiOptions.promptCacheKey;
  if (reasoningEffort !== undefined) request.extraBody = { reasoning_effort: reasoningEffort };

  const requestOptions: RequestOptions = {};
  if (options.abortSignal) requestOptions.signal = options.abortSignal;
  const headers = definedHeaders(options.headers);
  if (headers) requestOptions.headers = headers;

  return { request, documents: converted.documents, requestOptions, prefix, warnings };
}
