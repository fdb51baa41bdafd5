/**
 * Does a request fit the model's context window? Prompt (estimated locally) plus the output cap
 * must not exceed it: Moonshot answers 400 "exceeded model token limit" otherwise (docs/moonshot-wire.md, "Messages",
 * docs/moonshot-wire.md, "Errors"), and rate limits count `max_tokens` too (docs/moonshot-wire.md, "Rate limits").
 */
import type { ModelInfo } from "../models/model-info.ts";
import { type EstimableMessage, estimatePromptTokens } from "./local-estimator.ts";

/** The result of {@link checkContext}. */
export interface ContextCheck {
  /** Estimated prompt tokens. */
  promptTokens: number;
  /** The output cap checked. */
  maxTokens: number;
  /** The model's window; `undefined` for a model the library does not know. */
  contextWindow: number | undefined;
  /** `promptTokens + maxTokens <= contextWindow` (true when the window is unknown). */
  fits: boolean;
  /** Tokens over the window, 0 when it fits. */
  overflowBy: number;
  /** The largest output cap that fits after this prompt (0 if even the prompt does not). */
  availableForOutput: number | undefined;
}

/** Checks `messages` (+ `tools`) and `maxTokens` against `model`'s context window. */
export function checkContext(
  model: ModelInfo | undefined,
  messages: readonly EstimableMessage[],
  maxTokens: number,
  tools?: readonly unknown[],
): ContextCheck {
  const promptTokens = estimatePromptTokens(messages, tools);
  const contextWindow = model?.contextWindow;
  if (contextWindow === undefined) {
    return {
      promptTokens,
      maxTokens,
      contextWindow,
      fits: true,
      overflowBy: 0,
      availableForOutput: undefined,
    };
  }
  const overflowBy = Math.max(0, promptTokens + maxTokens - contextWindow);
  return {
    promptTokens,
    maxTokens,
    contextWindow,
    fits: overflowBy === 0,
    overflowBy,
    availableForOutput: Math.max(0, contextWindow - promptTokens),
  };
}
