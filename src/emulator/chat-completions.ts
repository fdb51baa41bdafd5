/**
 * `POST /v1/chat/completions`: validates, generates the reply, accounts usage (prompt, completion,
 * cached tokens) and writes it as JSON or SSE with Moonshot's layout (docs/moonshot-wire.md
 * "Streams", "Usage", "Tools"). 2026 models (see `wire-era.ts`) open a stream with
 * `{"role":"assistant","content":""}`, send an empty reasoning delta before the first content or
 * tool-call delta, carry no `system_fingerprint`, and report no cached keys on a miss; 2025 models
 * keep their own shape (`role` on the first delta, `system_fingerprint`, `cached_tokens` always).
 * Both put usage in `choices[0].usage` of the finish chunk, then the `choices: []` chunk with
 * `include_usage`.
 */
import { estimateMessageTokens, estimateTextTokens } from "../tokens/local-estimator.ts";
import { invalidRequestDetails, quotaExceeded } from "./error-responses.ts";
import { MAX_HEADER_DELAY_MS } from "./faults.ts";
import type { RequestContext } from "./http-response.ts";
import { sendJson } from "./http-response.ts";
import { chatCompletionId, chatCompletionUuidId } from "./ids.ts";
import {
  generateReply,
  type Reply,
  type ReplyToolCall,
  webSearchTokens,
} from "./reply-generator.ts";
import { type ChatRequest, validateChatRequest } from "./request-validation.ts";
import { DONE_EVENT, writeSse } from "./sse-writer.ts";
import { availableBalance, type EmulatorState } from "./state.ts";
import { wireEra } from "./wire-era.ts";

/**
 * The usage object. Keys are written in the service's order: `prompt_tokens, completion_tokens,
 * total_tokens, cached_tokens, completion_tokens_details, prompt_tokens_details` (recorded).
 */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cached_tokens?: number;
  completion_tokens_details?: { reasoning_tokens: number };
  prompt_tokens_details?: { cached_tokens: number };
}

interface Choice {
  index: number;
  reply: Reply;
  finishReason: "stop" | "length" | "tool_calls";
  usage: Usage;
}

/** Cuts the reply to the output cap; reasoning counts against it (docs/moonshot-wire.md "Thinking"). */
function applyCap(
  reply: Reply,
  cap: number | undefined,
): { reply: Reply; truncated: boolean; tokens: number; reasoning: number } {
  let used = 0;
  let reasoning = 0;
  const out: Reply = { reasoningPieces: [], contentPieces: [], toolCalls: [] };
  let truncated = false;
  const take = (pieces: readonly string[], into: string[], isReasoning: boolean): void => {
    for (const piece of pieces) {
      if (truncated) return;
      const cost = estimateTextTokens(piece);
      if (cap !== undefined && used + cost > cap) {
        truncated = true;
        return;
      }
      used += cost;
      if (isReasoning) reasoning += cost;
      into.push(piece);
    }
  };
  take(reply.reasoningPieces, out.reasoningPieces, true);
  take(reply.contentPieces, out.contentPieces, false);
  for (const call of reply.toolCalls) {
    if (truncated) break;
    const cost = estimateTextTokens(call.name) + estimateTextTokens(call.arguments);
    if (cap !== undefined && used + cost > cap) {
      truncated = true;
      break;
    }
    used += cost;
    out.toolCalls.push(call);
  }
  if (truncated) out.toolCalls = [];
  // finish_reason "length" means the cap was spent: completion_tokens equals it.
  if (truncated && cap !== undefined) return { reply: out, truncated, tokens: cap, reasoning };
  // Otherwise count the assembled texts: JSON replies are chunked mid-word, and a word split
  // across chunks must not cost more than the same word in one piece.
  const reasoningTokens = estimateTextTokens(out.reasoningPieces.join(""));
  const contentTokens = estimateTextTokens(out.contentPieces.join(""));
  let toolTokens = 0;
  for (const call of out.toolCalls)
    toolTokens += estimateTextTokens(call.name) + estimateTextTokens(call.arguments);
  return {
    reply: out,
    truncated,
    tokens: reasoningTokens + contentTokens + toolTokens,
    reasoning: reasoningTokens,
  };
}

/**
 * Cached prompt tokens: an identical repeat of a prompt is a hit on all of it (recorded: 93/93,
 * 213/213), a shared prefix of whole messages a hit on those messages.
 */
function cachedPrefixTokens(
  request: ChatRequest,
  promptTokens: number,
  state: EmulatorState,
): number {
  const { model, messages, tools } = request;
  if (!model.capabilities.automaticCaching) return 0;
  const toolsJson = tools.length > 0 ? JSON.stringify(tools) : "";
  const matched = state.cache.lookupAndStore(model.id, toolsJson, messages);
  if (matched === 0) return 0;
  if (matched === messages.length) return promptTokens;
  let tokens = toolsJson ? estimateTextTokens(toolsJson) : 0;
  for (let i = 0; i < matched; i++)
    tokens += estimateMessageTokens(messages[i] as (typeof messages)[number]);
  return tokens;
}

function buildUsage(
  request: ChatRequest,
  promptTokens: number,
  cached: number,
  completion: number,
  reasoning: number,
): Usage {
  const usage: Usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completion,
    total_tokens: promptTokens + completion,
  };
  const caching = request.model.capabilities.automaticCaching;
  if (wireEra(request.model) === "2025") {
    // 2025 models with automatic caching put cached_tokens at the top level only, 0 on a miss
    // (docs of that era: "only models that support automatic caching return this field").
    if (caching) usage.cached_tokens = cached;
    return usage;
  }
  // 2026: the cached keys appear only on a hit, at the top level and in the details (recorded).
  const hit = caching && cached > 0;
  if (hit) usage.cached_tokens = cached;
  if (request.thinking) usage.completion_tokens_details = { reasoning_tokens: reasoning };
  if (hit) usage.prompt_tokens_details = { cached_tokens: cached };
  return usage;
}

/** A non-stream tool call; 2026 models put its `index` first (recorded). */
function toolCallJson(call: ReplyToolCall, index: number, modern: boolean): unknown {
  const fn = { name: call.name, arguments: call.arguments };
  return modern
    ? { index, id: call.id, type: call.type, function: fn }
    : { id: call.id, type: call.type, function: fn };
}

function completionJson(
  id: string,
  created: number,
  request: ChatRequest,
  choices: readonly Choice[],
  fingerprint: string,
): unknown {
  const modern = wireEra(request.model) === "2026";
  const total: Usage = { ...(choices[0] as Choice).usage };
  if (choices.length > 1) {
    total.completion_tokens = choices.reduce(
      (sum, choice) => sum + choice.usage.completion_tokens,
      0,
    );
    total.total_tokens = total.prompt_tokens + total.completion_tokens;
  }
  return {
    id,
    object: "chat.completion",
    created,
    model: request.model.id,
    choices: choices.map((choice) => {
      const message: Record<string, unknown> = {
        role: "assistant",
        content: choice.reply.contentPieces.join(""),
      };
      if (request.thinking) message.reasoning_content = choice.reply.reasoningPieces.join("");
      if (choice.reply.toolCalls.length > 0)
        message.tool_calls = choice.reply.toolCalls.map((call, index) =>
          toolCallJson(call, index, modern),
        );
      return { index: choice.index, message, finish_reason: choice.finishReason };
    }),
    usage: total,
    // 2026 models send no system_fingerprint (recorded).
    ...(modern ? {} : { system_fingerprint: fingerprint }),
  };
}

/** Splits tool-call arguments into the fragments streamed after the first delta (recorded). */
function argumentFragments(args: string): string[] {
  const size = Math.max(8, Math.ceil(args.length / 4));
  const out: string[] = [];
  for (let i = 0; i < args.length; i += size) out.push(args.slice(i, i + size));
  return out;
}

function streamEvents(
  id: string,
  created: number,
  request: ChatRequest,
  choices: readonly Choice[],
  fingerprint: string,
): string[] {
  const modern = wireEra(request.model) === "2026";
  // The envelope is the same for every chunk: build it once and splice the choice in.
  const head = `data: {"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(request.model.id)},"choices":[`;
  const tail = modern ? "]}\n\n" : `],"system_fingerprint":"${fingerprint}"}\n\n`;
  const events: string[] = [];
  for (const choice of choices) {
    const open = `{"index":${choice.index},"delta":`;
    const close = `,"finish_reason":null}`;
    const { reasoningPieces, contentPieces, toolCalls } = choice.reply;
    const delta = (json: string): void => {
      events.push(`${head}${open}${json}${close}${tail}`);
    };
    let reasoningFrom = 0;
    if (modern || !request.thinking || reasoningPieces.length === 0) {
      // 2026 (and every non-reasoning reply): the role opens with an empty content (recorded).
      delta(`{"role":"assistant","content":""}`);
    } else {
      // 2025 thinking models: the role rides on the first reasoning delta.
      delta(`{"role":"assistant","reasoning_content":${JSON.stringify(reasoningPieces[0])}}`);
      reasoningFrom = 1;
    }
    if (request.thinking) {
      for (let i = reasoningFrom; i < reasoningPieces.length; i++) {
        delta(`{"reasoning_content":${JSON.stringify(reasoningPieces[i])}}`);
      }
      // 2026: an empty reasoning delta just before the first content or tool-call delta.
      if (modern && (contentPieces.length > 0 || toolCalls.length > 0)) {
        delta(`{"reasoning_content":""}`);
      }
    }
    for (const piece of contentPieces) delta(`{"content":${JSON.stringify(piece)}}`);
    toolCalls.forEach((call, index) => {
      const first = {
        index,
        id: call.id,
        type: call.type,
        function: { name: call.name, arguments: "" },
      };
      delta(`{"tool_calls":[${JSON.stringify(first)}]}`);
      for (const fragment of argumentFragments(call.arguments)) {
        delta(
          `{"tool_calls":[{"index":${index},"function":{"arguments":${JSON.stringify(fragment)}}}]}`,
        );
      }
    });
    events.push(
      `${head}{"index":${choice.index},"delta":{},"finish_reason":"${choice.finishReason}","usage":${JSON.stringify(choice.usage)}}${tail}`,
    );
  }
  if (request.includeUsage) {
    const first = (choices[0] as Choice).usage;
    const usage: Usage = { ...first };
    usage.completion_tokens = choices.reduce(
      (sum, choice) => sum + choice.usage.completion_tokens,
      0,
    );
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    const usageTail = modern ? "}\n\n" : `,"system_fingerprint":"${fingerprint}"}\n\n`;
    events.push(`${head}],"usage":${JSON.stringify(usage)}${usageTail}`);
  }
  events.push(DONE_EVENT);
  return events;
}

function headerInt(value: string | string[] | undefined): number | undefined {
  if (typeof value !== "string") return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? Math.floor(parsed) : undefined;
}

/**
 * `x-emulator-reply-tokens`, refused over `limits.maxReplyTokens`: the reply is built in memory,
 * so the header must not be able to ask for gigabytes.
 */
function replyTokensHeader(ctx: RequestContext, state: EmulatorState): number | undefined {
  const asked = headerInt(ctx.req.headers["x-emulator-reply-tokens"]);
  if (asked !== undefined && asked > state.limits.maxReplyTokens) {
    throw invalidRequestDetails(
      `x-emulator-reply-tokens is ${asked}, over the emulator's limit of ${state.limits.maxReplyTokens} (raise limits.maxReplyTokens to allow more)`,
    );
  }
  return asked ?? state.replyTokens;
}

/** Handles one chat completion request whose JSON body is already parsed. */
export async function handleChatCompletions(
  ctx: RequestContext,
  body: unknown,
  state: EmulatorState,
): Promise<void> {
  if (state.quotaExhausted || availableBalance(state.balance) <= 0) throw quotaExceeded();
  const replyTokens = replyTokensHeader(ctx, state);
  const request = validateChatRequest(body, state.served, webSearchTokens);
  ctx.logExtra = `${request.model.id}${request.stream ? " stream" : ""}`;
  const release = state.limiter.active
    ? state.limiter.admit(
        request.promptTokens + (request.maxTokens ?? request.model.defaultMaxTokens ?? 1024),
      )
    : undefined;
  try {
    const promptTokens = request.promptTokens + webSearchTokens(request.messages);
    const cached = cachedPrefixTokens(request, promptTokens, state);
    const choices: Choice[] = [];
    for (let index = 0; index < request.n; index++) {
      const raw = generateReply(request, { seed: state.seed, replyTokens, choiceIndex: index });
      const capped = applyCap(raw, request.maxTokens);
      const finishReason = capped.truncated
        ? "length"
        : capped.reply.toolCalls.length > 0
          ? "tool_calls"
          : "stop";
      choices.push({
        index,
        reply: capped.reply,
        finishReason,
        usage: buildUsage(request, promptTokens, cached, capped.tokens, capped.reasoning),
      });
    }
    const created = Math.floor(Date.now() / 1000);
    const id =
      wireEra(request.model) === "2026" ? chatCompletionUuidId() : chatCompletionId(created);
    // A cache hit names the tokens it saved (recorded on 2026 responses).
    const headers: Record<string, string> =
      cached > 0 ? { "msh-context-cache-token-saved": String(cached) } : {};
    if (!request.stream) {
      sendJson(ctx, 200, completionJson(id, created, request, choices, state.fingerprint), headers);
      return;
    }
    const asked = headerInt(ctx.req.headers["x-emulator-chunk-delay-ms"]);
    const delay = asked === undefined ? state.chunkDelayMs : Math.min(asked, MAX_HEADER_DELAY_MS);
    await writeSse(
      ctx,
      streamEvents(id, created, request, choices, state.fingerprint),
      delay,
      state.sleep,
      headers,
    );
  } finally {
    release?.();
  }
}
