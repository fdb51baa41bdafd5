/**
 * Turns a {@link ChatRequest} into the wire body of `POST /v1/chat/completions`, after the model
 * policy and the context-window check (both before anything is sent).
 */
import type { ResolvedConfig } from "../config/config.ts";
import type { UsageLedger } from "../cost/ledger.ts";
import type { HttpTransport, TransportRequest } from "../http/transport.ts";
import type { ModelInfo } from "../models/model-info.ts";
import { THINKING_MIN_OUTPUT_TOKENS } from "../models/policy/output-cap.ts";
import { applyRequestPolicy, type PolicyDecision } from "../models/policy.ts";
import type { ModelRegistry } from "../models/registry.ts";
import { preSendPromptTokens } from "../tokens/pre-send-estimate.ts";
import { validateChatRequest } from "./request-validation.ts";
import type { ChatRequest, RequestOptions } from "./types.ts";
import type { WarningHandler } from "./warnings.ts";

/** What chat calls need from the client. */
export interface ChatContext {
  http: HttpTransport;
  config: ResolvedConfig;
  models: ModelRegistry;
  ledger: UsageLedger;
  /** `createKimi({ onWarning })`, if given. */
  onWarning?: WarningHandler | undefined;
}

/** A request ready to send. */
export interface PreparedChat {
  modelId: string;
  /** Catalog entry, `undefined` for an unknown id. */
  model: ModelInfo | undefined;
  /** The JSON body. */
  body: Record<string, unknown>;
  /** Partial mode: the assistant prefix the answer continues (re-joined in results). */
  prefix: string;
  /** What the policy decided. */
  decision: PolicyDecision;
  /**
   * Estimated prompt tokens; or, when a cheap upper bound of them already left room for the
   * output cap (the estimate was skipped, see `preSendPromptTokens`), that bound.
   */
  promptTokens: number;
}

/** Applies policy and builds the body. Throws InvalidRequestError / ContextOverflowError. */
export function prepareChatRequest(
  request: ChatRequest,
  context: ChatContext,
  stream: boolean,
): PreparedChat {
  validateChatRequest(request);
  const modelId = request.model ?? context.config.defaultModel;
  const model = context.models.get(modelId);
  // The most output the policy may ask room for: the request's cap, or the configured default
  // (raised to the thinking minimum on thinking models). Within window minus that, the bound
  // decides like the estimate would, and the estimate is skipped.
  const window = model?.contextWindow;
  const outputCap =
    request.maxTokens ?? Math.max(context.config.maxTokens, THINKING_MIN_OUTPUT_TOKENS);
  const { tokens: promptTokens } = preSendPromptTokens(
    request.messages ?? [],
    request.tools,
    window === undefined ? undefined : window - outputCap,
  );
  const decision = applyRequestPolicy(request, {
    modelId,
    model,
    defaults: { temperature: context.config.temperature, maxTokens: context.config.maxTokens },
    promptTokens,
    reasoningEffortModels: () =>
      context.models
        .list()
        .filter(
          (entry) => entry.status !== "retired" && entry.capabilities.reasoningEfforts.length > 0,
        )
        .map((entry) => entry.id),
  });
  const body: Record<string, unknown> = {
    model: modelId,
    messages: request.messages,
    ...decision.params,
  };
  if (request.stop !== undefined) body.stop = request.stop;
  if (request.tools !== undefined && request.tools.length > 0) body.tools = request.tools;
  if (request.responseFormat !== undefined) body.response_format = request.responseFormat;
  if (request.promptCacheKey !== undefined) body.prompt_cache_key = request.promptCacheKey;
  if (stream) {
    body.stream = true;
    // Always ask for usage: without it usage only rides on choices[0] of the finish chunk
    // (docs/moonshot-wire.md, "Usage"); with it a usage chunk is added. The stream reader reads both.
    body.stream_options = { include_usage: true };
  }
  if (request.extraBody) Object.assign(body, request.extraBody);
  const last = request.messages[request.messages.length - 1];
  const prefix =
    last?.role === "assistant" && last.partial === true && typeof last.content === "string"
      ? last.content
      : "";
  return { modelId, model, body, prefix, decision, promptTokens };
}

/** The `POST /chat/completions` transport request for `prepared`, with the caller's options. */
export function chatCompletionRequest(
  prepared: PreparedChat,
  options: RequestOptions,
): TransportRequest {
  return {
    method: "POST",
    path: "/chat/completions",
    body: prepared.body,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    headers: options.headers,
    model: prepared.modelId,
  };
}
