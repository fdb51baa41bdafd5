/**
 * The output cap. `max_completion_tokens` is sent as `max_tokens`, the field the service is
 * recorded honouring (docs/moonshot-wire.md, "Sampling"). On a thinking request, reasoning counts
 * against `max_tokens`, and a small cap comes back as HTTP 200 with an empty answer
 * (docs/moonshot-wire.md, "Thinking"): a cap below the floor is raised to it, never past what the
 * context window leaves after the prompt.
 */
import { type EstimableMessage, estimatePromptTokens, type ModelInfo } from "kimi-provider";
import type { FieldRepair } from "./sampling-repair.ts";

/** Repairs `max_tokens` / `max_completion_tokens` of `body` in place; returns what changed. */
export function repairOutputCap(
  body: Record<string, unknown>,
  model: ModelInfo | undefined,
  thinking: boolean,
  floor: number,
): FieldRepair[] {
  const repairs: FieldRepair[] = [];
  const completion = body.max_completion_tokens;
  if (typeof completion === "number") {
    const current = body.max_tokens;
    body.max_tokens = typeof current === "number" ? Math.min(current, completion) : completion;
    delete body.max_completion_tokens;
    repairs.push({
      field: "max_completion_tokens",
      note: `max_completion_tokens ${completion} sent as max_tokens ${String(body.max_tokens)}`,
    });
  }
  const cap = body.max_tokens;
  if (thinking && typeof cap === "number" && cap < floor) {
    let raised = floor;
    if (model !== undefined) {
      const prompt = estimatePromptTokens(
        body.messages as EstimableMessage[],
        Array.isArray(body.tools) ? body.tools : undefined,
      );
      raised = Math.min(floor, model.contextWindow - prompt);
    }
    if (raised > cap) {
      body.max_tokens = raised;
      repairs.push({
        field: "max_tokens",
        note: `max_tokens ${cap} raised to ${raised}: reasoning counts against it on ${String(body.model)}`,
      });
    }
  }
  return repairs;
}
