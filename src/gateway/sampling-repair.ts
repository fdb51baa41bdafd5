/**
 * Sampling values a model would reject with a 400 are dropped, so the service applies its own;
 * a value the model accepts is never touched. The rules are the request policy's
 * (src/models/policy.ts, docs/moonshot-wire.md "Sampling"): fixed-sampling models take only
 * temperature 1 (thinking) or 0.6 (not thinking), top_p 0.95, n 1 and penalties 0; K3 refuses
 * `logprobs: true`, `top_logprobs` and any `logit_bias`; older families take temperature in [0, 1].
 */

import { FIXED_TEMPERATURE, FIXED_TOP_P, type ModelInfo } from "kimi-provider";

/** One change made, named by the field. */
export interface FieldRepair {
  field: string;
  note: string;
}

/** The only values a fixed-sampling model takes, with thinking on and off (built once). */
const FIXED_THINKING = fixedValues(FIXED_TEMPERATURE.thinking);
const FIXED_NON_THINKING = fixedValues(FIXED_TEMPERATURE.nonThinking);

function fixedValues(temperature: number): readonly (readonly [string, number])[] {
  return [
    ["temperature", temperature],
    ["top_p", FIXED_TOP_P],
    ["n", 1],
    ["presence_penalty", 0],
    ["frequency_penalty", 0],
  ];
}

function drop(body: Record<string, unknown>, field: string, why: string, out: FieldRepair[]): void {
  out.push({ field, note: `${field} ${JSON.stringify(body[field])} dropped: ${why}` });
  delete body[field];
}

/** Repairs the sampling fields of `body` in place for `model`; returns what changed. */
export function repairSampling(
  body: Record<string, unknown>,
  model: ModelInfo | undefined,
  thinking: boolean,
): FieldRepair[] {
  const repairs: FieldRepair[] = [];
  if (model === undefined) return repairs;
  if (model.sampling === "fixed") {
    for (const [field, value] of thinking ? FIXED_THINKING : FIXED_NON_THINKING) {
      const sent = body[field];
      if (typeof sent === "number" && sent !== value) {
        drop(body, field, `${model.id} only allows ${value}`, repairs);
      }
    }
  } else if (typeof body.temperature === "number" && body.temperature > 1) {
    // OpenAI's range is [0, 2]; Moonshot's is [0, 1]: the nearest accepted value.
    repairs.push({
      field: "temperature",
      note: `temperature ${body.temperature} lowered to 1: Moonshot's range is 0 to 1`,
    });
    body.temperature = 1;
  }
  if (!model.capabilities.logprobs) {
    if (body.logprobs === true) drop(body, "logprobs", `${model.id} only allows false`, repairs);
    if (body.top_logprobs !== undefined) {
      drop(body, "top_logprobs", `${model.id} returns no logprobs`, repairs);
    }
  } else if (body.top_logprobs !== undefined && body.logprobs !== true) {
    drop(body, "top_logprobs", "it needs logprobs: true", repairs);
  }
  if (!model.capabilities.logitBias && body.logit_bias !== undefined) {
    drop(body, "logit_bias", `${model.id} does not support it`, repairs);
  }
  return repairs;
}
