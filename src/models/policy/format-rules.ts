/**
 * Response format and partial mode: JSON mode, `json_schema` and an assistant prefix with
 * `partial: true` only on models that take them, and partial mode never with `json_object`
 * (docs/moonshot-wire.md, "Sampling").
 */
import type { ChatRequest } from "../../chat/types.ts";
import type { PolicyContext } from "../policy.ts";
import { refuse } from "./refuse.ts";

/** Refuses a response format or partial mode the model cannot take. */
export function checkFormat(request: ChatRequest, context: PolicyContext): void {
  const { model, modelId } = context;
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
    refuse("Partial mode cannot be combined with response_format json_object.");
  }
}
