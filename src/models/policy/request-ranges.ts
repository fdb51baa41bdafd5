/**
 * The checks every request passes whatever its model: Moonshot's ranges (temperature 0-1, not
 * OpenAI's 0-2; n 1-5; at most 5 stop sequences), the tool declarations, and partial mode only on
 * the last message (docs/moonshot-wire.md, "Sampling").
 */
import type { ChatRequest } from "../../chat/types.ts";
import { checkRange, refuse } from "./refuse.ts";
import { REASONING_EFFORTS } from "./sampling-rules.ts";
import { checkToolDeclarations } from "./tool-rules.ts";

/** Refuses values no Moonshot model accepts. */
export function checkRequestRanges(request: ChatRequest): void {
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    refuse("`messages` is empty: send at least one message.");
  }
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
  checkToolDeclarations(request);
  const partialAt = request.messages.findIndex(
    (message) => message.role === "assistant" && message.partial === true,
  );
  if (partialAt !== -1 && partialAt !== request.messages.length - 1) {
    refuse("`partial: true` is only allowed on the last message, which must be the assistant's.");
  }
}
