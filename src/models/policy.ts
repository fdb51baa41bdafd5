/**
 * Model-aware request policy: each model family's parameter rules, applied before a request goes
 * out (docs/moonshot-wire.md). Pure functions; no I/O. Each rule has one home in `policy/`: the
 * ranges every request must respect, thinking, sampling, tools, response format, the output cap.
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
import type { ChatRequest } from "../chat/types.ts";
import type { KimiWarning } from "../chat/warnings.ts";
import type { ModelInfo } from "./model-info.ts";
import { checkFormat } from "./policy/format-rules.ts";
import { applyOutputCap } from "./policy/output-cap.ts";
import type { PolicyOutput } from "./policy/policy-output.ts";
import { checkRequestRanges } from "./policy/request-ranges.ts";
import { applySampling, applySamplingExtras } from "./policy/sampling-rules.ts";
import { applyThinking } from "./policy/thinking-rules.ts";
import { applyTools } from "./policy/tool-rules.ts";

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
 * Applies the rules of `context.model` to `request`. Returns the model-dependent wire fields;
 * throws {@link InvalidRequestError} for what cannot be sent and {@link ContextOverflowError}
 * when the prompt plus an explicit `maxTokens` exceeds the context window.
 */
export function applyRequestPolicy(request: ChatRequest, context: PolicyContext): PolicyDecision {
  checkRequestRanges(request);
  const out: PolicyOutput = { params: {}, adjustments: [], warnings: [] };
  const thinking = applyThinking(request, context.model, context.modelId, out);
  applySampling(request, context, thinking, out);
  applySamplingExtras(request, context, out);
  applyTools(request, context, thinking, out);
  checkFormat(request, context);
  const maxTokens = applyOutputCap(request, context, thinking, out);
  return { ...out, thinking, maxTokens };
}
