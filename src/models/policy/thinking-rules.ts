/**
 * Thinking: only models that can toggle it take the `thinking` field; an always-thinking model
 * refuses `disabled`, a model without thinking refuses `enabled` (docs/moonshot-wire.md,
 * "Thinking").
 */
import type { ChatRequest, ThinkingSetting } from "../../chat/types.ts";
import type { ModelInfo } from "../model-info.ts";
import type { PolicyOutput } from "./policy-output.ts";
import { refuse } from "./refuse.ts";

/** The request's `thinking` as the wire object, `undefined` when not set. */
export function requestedThinking(request: ChatRequest): ThinkingSetting | undefined {
  const { thinking } = request;
  if (thinking === undefined) return undefined;
  if (typeof thinking === "boolean") return { type: thinking ? "enabled" : "disabled" };
  return thinking;
}

/** Sends (or not) the `thinking` field; returns whether the model will think. */
export function applyThinking(
  request: ChatRequest,
  model: ModelInfo | undefined,
  modelId: string,
  out: PolicyOutput,
): boolean | undefined {
  const requested = requestedThinking(request);
  if (!model) {
    if (requested) out.params.thinking = requested;
    return requested ? requested.type === "enabled" : undefined;
  }
  if (model.capabilities.thinking === "none") {
    if (requested?.type === "enabled") {
      refuse(
        `${modelId} does not think: remove \`thinking\` or use a thinking model such as kimi-k2.6.`,
      );
    }
    if (requested) out.adjustments.push("thinking not sent: the model has no thinking mode");
    return false;
  }
  if (model.capabilities.thinking === "always") {
    if (requested?.type === "disabled") {
      // The service answers 400 "invalid thinking: only type=enabled is allowed for this model"
      // (recorded for kimi-k2.7-code; docs/moonshot-wire.md, "Models and lineup").
      refuse(
        `${modelId} always reasons: Moonshot refuses \`thinking: {type: "disabled"}\` for it. Remove \`thinking: false\`, or use kimi-k2.6, the online model that can turn thinking off.`,
      );
    }
    if (requested) out.adjustments.push("thinking not sent: the model always reasons");
    return true;
  }
  if (
    requested?.keep !== undefined &&
    requested.keep !== null &&
    !model.capabilities.thinkingKeep
  ) {
    refuse(
      `${modelId} does not accept \`thinking.keep\` (Preserved Thinking is kimi-k2.6 and later).`,
    );
  }
  if (requested) out.params.thinking = requested;
  return requested?.type !== "disabled";
}
