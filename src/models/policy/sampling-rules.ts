/**
 * Sampling: Moonshot's ranges, the fixed sampling of K2.5 and later (any value but the model's
 * own is a 400), and the extras some models refuse (`reasoning_effort`, `logprobs`,
 * `logit_bias`): docs/moonshot-wire.md, "Sampling" and "Thinking".
 */
import type { ChatRequest } from "../../chat/types.ts";
import type { ReasoningEffort } from "../model-info.ts";
import type { PolicyContext } from "../policy.ts";
import type { PolicyOutput } from "./policy-output.ts";
import { refuse } from "./refuse.ts";

/** Every `reasoning_effort` value any model takes (docs/moonshot-wire.md, "Thinking"). */
export const REASONING_EFFORTS: readonly ReasoningEffort[] = ["low", "high", "max"];

/**
 * The only temperature a fixed-sampling model (K2.5 and later) accepts, with thinking on and
 * with thinking off (docs/moonshot-wire.md, "Sampling").
 */
export const FIXED_TEMPERATURE = { thinking: 1, nonThinking: 0.6 } as const;
/** The only `top_p` a fixed-sampling model accepts (docs/moonshot-wire.md, "Sampling"). */
export const FIXED_TOP_P = 0.95;

/** A fixed-sampling model takes a penalty of 0 only. */
function refuseNonZeroPenalty(modelId: string, name: string, value: number | undefined): void {
  if (value !== undefined && value !== 0) {
    refuse(`${modelId} only allows ${name} 0 (fixed sampling); you set ${value}. Remove it.`);
  }
}

/** Sends the sampling fields the model takes; refuses what a fixed-sampling model cannot take. */
export function applySampling(
  request: ChatRequest,
  context: PolicyContext,
  thinking: boolean | undefined,
  out: PolicyOutput,
): void {
  const { model, modelId, defaults } = context;
  if (model?.sampling === "fixed") {
    const fixed = thinking === false ? FIXED_TEMPERATURE.nonThinking : FIXED_TEMPERATURE.thinking;
    const mode = thinking === false ? "with thinking disabled" : "with thinking on";
    if (request.temperature !== undefined && request.temperature !== fixed) {
      refuse(
        `${modelId} only allows temperature ${fixed} ${mode} (fixed sampling); you set ${request.temperature}. Remove \`temperature\`.`,
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
    refuseNonZeroPenalty(modelId, "presencePenalty", request.presencePenalty);
    refuseNonZeroPenalty(modelId, "frequencyPenalty", request.frequencyPenalty);
    // The service applies its fixed values itself; sending even the allowed value is reported to
    // fail on some routes (docs/moonshot-wire.md, "Sampling"), so none of them is sent.
    out.adjustments.push("sampling parameters not sent: the model uses fixed sampling");
    return;
  }
  const { params } = out;
  const temperature = request.temperature ?? (model ? defaults.temperature : undefined);
  if (temperature !== undefined) params.temperature = temperature;
  if (request.topP !== undefined) params.top_p = request.topP;
  if (request.n !== undefined) params.n = request.n;
  if (request.presencePenalty !== undefined) params.presence_penalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) params.frequency_penalty = request.frequencyPenalty;
  if ((request.n ?? 1) > 1 && temperature !== undefined && temperature <= 0) {
    const origin =
      request.temperature === undefined ? " (the configured default, KIMI_TEMPERATURE)" : "";
    refuse(
      `n = ${request.n} needs a temperature above 0; the temperature is ${temperature}${origin}. Set \`temperature\`, e.g. 0.3.`,
    );
  }
}

/** `reasoning_effort`, `logprobs` and `logit_bias`, sent only to models that take them. */
export function applySamplingExtras(
  request: ChatRequest,
  context: PolicyContext,
  out: PolicyOutput,
): void {
  const { model, modelId } = context;
  const { params } = out;
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
  if (model && !model.capabilities.logprobs && request.logprobs === true) {
    refuse(
      `${modelId} does not return log probabilities (Moonshot answers "only false is allowed" for logprobs). Remove \`logprobs\` and \`topLogprobs\`, or use kimi-k2.6.`,
    );
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
}
