/**
 * The output cap (`max_tokens`): the output may use what the context window leaves after the
 * prompt, and a prompt plus `max_tokens` over the window is a 400; on thinking models reasoning
 * counts against the cap (docs/moonshot-wire.md, "Thinking").
 */
import type { ChatRequest } from "../../chat/types.ts";
import { ContextOverflowError } from "../../errors/error-classes.ts";
import type { PolicyContext } from "../policy.ts";
import type { PolicyOutput } from "./policy-output.ts";

/**
 * The smallest output cap worth sending to a thinking model. Reasoning tokens count against
 * `max_tokens`, and a small cap is spent on reasoning alone: HTTP 200, `finish_reason: "length"`,
 * empty `content` (recorded with kimi-k2.6 at 32 tokens). Moonshot's docs ask for at least
 * 16,000 on thinking models (docs/moonshot-wire.md, "Thinking").
 */
export const THINKING_MIN_OUTPUT_TOKENS = 16_000;

/**
 * Sends `max_tokens` and returns it. An explicit value is sent as given (a warning when it is
 * small for a thinking model); the configured default is raised for thinking models and clamped
 * to the room the window leaves.
 */
export function applyOutputCap(
  request: ChatRequest,
  context: PolicyContext,
  thinking: boolean | undefined,
  out: PolicyOutput,
): number | undefined {
  const { model, modelId, defaults } = context;
  let maxTokens: number | undefined;
  const window = model?.contextWindow;
  if (request.maxTokens !== undefined) {
    maxTokens = request.maxTokens;
    if (window !== undefined && context.promptTokens + maxTokens > window) {
      throw overflow(modelId, window, context.promptTokens, maxTokens);
    }
    if (thinking === true && maxTokens < THINKING_MIN_OUTPUT_TOKENS) {
      out.warnings.push({
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
      out.adjustments.push(
        `max_tokens raised from the configured ${defaults.maxTokens} to ${maxTokens} for a thinking model`,
      );
      out.warnings.push({
        code: "max-tokens-raised-for-thinking",
        message: `The configured output cap (KIMI_MAX_TOKENS / maxTokens option) of ${defaults.maxTokens} is too small for ${modelId}, which reasons before it answers; ${maxTokens} was sent instead. Pass \`maxTokens\` on the request to send a smaller cap anyway.`,
        model: modelId,
        configured: defaults.maxTokens,
        sent: maxTokens,
      });
    }
    if (maxTokens < wanted) {
      out.adjustments.push(
        `max_tokens clamped from ${wanted} to ${maxTokens} to fit the context window`,
      );
    }
  } else {
    maxTokens = defaults.maxTokens;
  }
  out.params.max_tokens = maxTokens;
  return maxTokens;
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
