/**
 * `POST /v1/chat/completions` (reference §2, §3): validates, generates the reply, accounts usage
 * (prompt/completion/cached tokens, §3.4) and writes it as JSON or SSE with Moonshot's chunk
 * layout: `role` only in the first chunk, reasoning before content, tool-call fragments, usage in
 * `choices[0].usage` of the finish chunk, the extra `choices: []` chunk with `include_usage`.
 */
import { estimateMessageTokens, estimateTextTokens } from "../tokens/local-estimator.ts";
import { quotaExceeded } from "./error-responses.ts";
import type { RequestContext } from "./http-response.ts";
import { sendJson } from "./http-response.ts";
import { chatCompletionId } from "./ids.ts";
import {
  generateReply,
  type Reply,
  type ReplyToolCall,
  webSearchTokens,
} from "./reply-generator.ts";
import { type ChatRequest, validateChatRequest } from "./request-validation.ts";
import { DONE_EVENT, writeSse } from "./sse-writer.ts";
import { availableBalance, type EmulatorState } from "./state.ts";

/** The usage object (§3.4). */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cached_tokens?: number;
  prompt_tokens_details?: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
}

interface Choice {
  index: number;
  reply: Reply;
  finishReason: "stop" | "length" | "tool_calls";
  usage: Usage;
}

/** Cuts the reply to the output cap; reasoning counts against it (§2.2, §2.7). */
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
  // §2.2: finish_reason "length" means the cap was spent: completion_tokens equals it.
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

function cachedPrefixTokens(request: ChatRequest, state: EmulatorState): number {
  const { model, messages, tools } = request;
  if (!model.capabilities.automaticCaching) return 0;
  const toolsJson = tools.length > 0 ? JSON.stringify(tools) : "";
  const matched = state.cache.lookupAndStore(model.id, toolsJson, messages);
  if (matched === 0) return 0;
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
  const caps = request.model.capabilities;
  // Only models with automatic caching report cached_tokens (doc:chat, §3.4).
  if (caps.automaticCaching) usage.cached_tokens = cached;
  // Newer (K2.5+) responses also carry the OpenAI-style details (§3.4).
  if (request.model.sampling === "fixed") {
    if (caps.automaticCaching) usage.prompt_tokens_details = { cached_tokens: cached };
    if (request.thinking) usage.completion_tokens_details = { reasoning_tokens: reasoning };
  }
  return usage;
}

function toolCallJson(call: ReplyToolCall): unknown {
  return { id: call.id, type: call.type, function: { name: call.name, arguments: call.arguments } };
}

function completionJson(
  id: string,
  created: number,
  request: ChatRequest,
  choices: readonly Choice[],
  fingerprint: string,
): unknown {
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
        message.tool_calls = choice.reply.toolCalls.map(toolCallJson);
      return { index: choice.index, message, finish_reason: choice.finishReason };
    }),
    usage: total,
    system_fingerprint: fingerprint,
  };
}

/** Splits tool-call arguments into the fragments streamed after the first delta (§3.2). */
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
  // The envelope is the same for every chunk: build it once and splice the choice in.
  const head = `data: {"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(request.model.id)},"choices":[`;
  const tail = `],"system_fingerprint":"${fingerprint}"}\n\n`;
  const events: string[] = [];
  for (const choice of choices) {
    const open = `{"index":${choice.index},"delta":`;
    const close = `,"finish_reason":null}`;
    const { reasoningPieces, contentPieces, toolCalls } = choice.reply;
    if (request.thinking && reasoningPieces.length > 0) {
      // Reasoning first (§2.7); the role rides on the first reasoning delta.
      events.push(
        `${head}${open}{"role":"assistant","reasoning_content":${JSON.stringify(reasoningPieces[0])}}${close}${tail}`,
      );
      for (let i = 1; i < reasoningPieces.length; i++) {
        events.push(
          `${head}${open}{"reasoning_content":${JSON.stringify(reasoningPieces[i])}}${close}${tail}`,
        );
      }
    } else {
      events.push(`${head}${open}{"role":"assistant","content":""}${close}${tail}`);
    }
    for (const piece of contentPieces) {
      events.push(`${head}${open}{"content":${JSON.stringify(piece)}}${close}${tail}`);
    }
    toolCalls.forEach((call, index) => {
      const first = {
        index,
        id: call.id,
        type: call.type,
        function: { name: call.name, arguments: "" },
      };
      events.push(`${head}${open}{"tool_calls":[${JSON.stringify(first)}]}${close}${tail}`);
      for (const fragment of argumentFragments(call.arguments)) {
        events.push(
          `${head}${open}{"tool_calls":[{"index":${index},"function":{"arguments":${JSON.stringify(fragment)}}}]}${close}${tail}`,
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
    events.push(
      `${head}],"usage":${JSON.stringify(usage)},"system_fingerprint":"${fingerprint}"}\n\n`,
    );
  }
  events.push(DONE_EVENT);
  return events;
}

function headerInt(value: string | string[] | undefined): number | undefined {
  if (typeof value !== "string") return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? Math.floor(parsed) : undefined;
}

/** Handles one chat completion request whose JSON body is already parsed. */
export async function handleChatCompletions(
  ctx: RequestContext,
  body: unknown,
  state: EmulatorState,
): Promise<void> {
  if (state.quotaExhausted || availableBalance(state.balance) <= 0) throw quotaExceeded();
  const request = validateChatRequest(body, state.served, webSearchTokens);
  ctx.logExtra = `${request.model.id}${request.stream ? " stream" : ""}`;
  const release = state.limiter.active
    ? state.limiter.admit(
        request.promptTokens + (request.maxTokens ?? request.model.defaultMaxTokens ?? 1024),
      )
    : undefined;
  try {
    const promptTokens = request.promptTokens + webSearchTokens(request.messages);
    const cached = cachedPrefixTokens(request, state);
    const replyTokens = headerInt(ctx.req.headers["x-emulator-reply-tokens"]) ?? state.replyTokens;
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
    const id = chatCompletionId(created);
    if (!request.stream) {
      sendJson(ctx, 200, completionJson(id, created, request, choices, state.fingerprint));
      return;
    }
    const delay = headerInt(ctx.req.headers["x-emulator-chunk-delay-ms"]) ?? state.chunkDelayMs;
    await writeSse(
      ctx,
      streamEvents(id, created, request, choices, state.fingerprint),
      delay,
      state.sleep,
    );
  } finally {
    release?.();
  }
}
