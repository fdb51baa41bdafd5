/**
 * Building a {@link ChatResult} from what the service sent, shared by the non-streaming and the
 * streaming paths.
 */
import { computeCost } from "../cost/pricing.ts";
import { extractUsage, parseUsage, type Usage } from "../cost/usage.ts";
import { MalformedResponseError } from "../errors/error-classes.ts";
import type { ModelInfo } from "../models/model-info.ts";
import { WEB_SEARCH_TOOL_NAME } from "../models/policy/tool-rules.ts";
import type { AssistantMessage, ChatChoice, ChatResult, ToolCall } from "./types.ts";
import type { WireChoice, WireCompletion, WireToolCall } from "./wire-types.ts";

/** One choice as received (content without the partial-mode prefix). */
export interface ReceivedChoice {
  index: number;
  content: string;
  reasoningContent: string | null;
  toolCalls: ToolCall[];
  finishReason: string;
  usage: Usage | undefined;
}

/** Everything needed to build a result. */
export interface ReceivedCompletion {
  id: string;
  model: string;
  created: number;
  choices: ReceivedChoice[];
  /** Top-level usage, if the service sent one. */
  usage: Usage | undefined;
  requestId: string | undefined;
}

function toChoice(received: ReceivedChoice, prefix: string): ChatChoice {
  const content = prefix + received.content;
  const message: AssistantMessage = { role: "assistant", content };
  if (received.reasoningContent !== null) message.reasoning_content = received.reasoningContent;
  if (received.toolCalls.length > 0) message.tool_calls = received.toolCalls;
  return {
    index: received.index,
    content,
    reasoningContent: received.reasoningContent,
    toolCalls: received.toolCalls,
    finishReason: received.finishReason,
    message,
  };
}

/**
 * Usage of the whole call: the top-level usage when sent, else combined from the per-choice
 * usages (same prompt, each choice its own completion, docs/moonshot-wire.md, "Usage"); `null` when the service
 * sent none at all (unknown, not zero: docs/moonshot-wire.md, "Usage").
 */
export function combineUsage(
  top: Usage | undefined,
  choices: readonly ReceivedChoice[],
): Usage | null {
  if (top) return top;
  let combined: Usage | undefined;
  for (const choice of choices) {
    const usage = choice.usage;
    if (!usage) continue;
    if (!combined) {
      combined = { ...usage };
      continue;
    }
    combined.completionTokens += usage.completionTokens;
    combined.totalTokens = combined.promptTokens + combined.completionTokens;
    if (usage.reasoningTokens !== null) {
      combined.reasoningTokens = (combined.reasoningTokens ?? 0) + usage.reasoningTokens;
    }
  }
  return combined ?? null;
}

/** Counts `$web_search` calls (each one is billed, docs/moonshot-wire.md, "Web search"). */
export function countWebSearchCalls(choices: readonly ReceivedChoice[]): number {
  let count = 0;
  for (const choice of choices) {
    for (const call of choice.toolCalls) if (call.function.name === WEB_SEARCH_TOOL_NAME) count++;
  }
  return count;
}

/** Builds the result; `prefix` is re-joined to every choice's content (partial mode). */
export function buildChatResult(
  received: ReceivedCompletion,
  model: ModelInfo | undefined,
  modelId: string,
  prefix: string,
): ChatResult {
  const choices = received.choices
    .slice()
    .sort((a, b) => a.index - b.index)
    .map((choice) => toChoice(choice, prefix));
  const first =
    choices[0] ??
    toChoice(
      {
        index: 0,
        content: "",
        reasoningContent: null,
        toolCalls: [],
        finishReason: "stop",
        usage: undefined,
      },
      prefix,
    );
  const usage = combineUsage(received.usage, received.choices);
  const webSearchCalls = countWebSearchCalls(received.choices);
  return {
    id: received.id,
    model: received.model || modelId,
    created: received.created,
    content: first.content,
    reasoningContent: first.reasoningContent,
    toolCalls: first.toolCalls,
    finishReason: first.finishReason,
    usage,
    // Priced by the model requested: that is the catalog entry the user configured.
    cost: computeCost(model, usage, { webSearchCalls }, modelId),
    message: first.message,
    choices,
    webSearchCalls,
    requestId: received.requestId,
    warnings: [],
  };
}

/** Choices a response may carry: Moonshot allows `n` up to 5; anything near this is hostile. */
export const MAX_CHOICE_INDEX = 127;
/** Tool calls one choice may carry: 128 tools may be declared, each called a few times. */
export const MAX_TOOL_CALL_INDEX = 1023;

/**
 * A choice or tool-call `index` from the wire: `fallback` when absent (`undefined` or `null`),
 * the number when it is a whole number from 0 to `max`, else a description of what is wrong
 * (a string). A huge index must never size an array (a sparse array billions long freezes the
 * process) and a string such as "__proto__" must never be used as a key.
 */
export function wireIndex(
  value: unknown,
  fallback: number,
  max: number,
  what: "choice" | "tool call",
): number | string {
  if (value === undefined || value === null) return fallback;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= max) {
    return value;
  }
  const shown = typeof value === "number" ? String(value) : JSON.stringify(value);
  return `a ${what} has \`index\` ${shown ?? typeof value}; it must be a whole number from 0 to ${max}`;
}

function malformed(detail: string): MalformedResponseError {
  return new MalformedResponseError(
    `The chat completion response is not the documented shape: ${detail}. Check that KIMI_BASE_URL points at the Moonshot API.`,
  );
}

function readToolCalls(raw: unknown): ToolCall[] {
  if (!Array.isArray(raw)) return [];
  const calls: ToolCall[] = [];
  for (const entry of raw) {
    const call = entry as WireToolCall;
    if (!call || typeof call.function?.name !== "string")
      throw malformed("a tool call has no function name");
    calls.push({
      id: typeof call.id === "string" ? call.id : "",
      type: typeof call.type === "string" ? call.type : "function",
      function: {
        name: call.function.name,
        arguments: typeof call.function.arguments === "string" ? call.function.arguments : "",
      },
    });
  }
  return calls;
}

/** Reads a non-streaming `chat.completion` body (docs/moonshot-wire.md, "Messages"). */
export function parseChatCompletion(
  body: unknown,
  requestId: string | undefined,
): ReceivedCompletion {
  if (!body || typeof body !== "object") throw malformed("the body is not an object");
  const raw = body as WireCompletion;
  if (!Array.isArray(raw.choices)) throw malformed("`choices` is missing");
  if (raw.choices.length > MAX_CHOICE_INDEX + 1) {
    throw malformed(
      `${raw.choices.length} choices were sent; at most ${MAX_CHOICE_INDEX + 1} are accepted`,
    );
  }
  const seen = new Set<number>();
  const choices: ReceivedChoice[] = raw.choices.map((entry: unknown, position: number) => {
    const choice = entry as WireChoice;
    if (!choice || typeof choice !== "object" || !choice.message)
      throw malformed("a choice has no `message`");
    const { message } = choice;
    const index = wireIndex(choice.index, position, MAX_CHOICE_INDEX, "choice");
    if (typeof index === "string") throw malformed(index);
    if (seen.has(index)) throw malformed(`two choices have \`index\` ${index}`);
    seen.add(index);
    return {
      index,
      content: typeof message.content === "string" ? message.content : "",
      reasoningContent:
        typeof message.reasoning_content === "string" ? message.reasoning_content : null,
      toolCalls: readToolCalls(message.tool_calls),
      finishReason: typeof choice.finish_reason === "string" ? choice.finish_reason : "stop",
      usage: parseUsage(choice.usage),
    };
  });
  return {
    id: typeof raw.id === "string" ? raw.id : "",
    model: typeof raw.model === "string" ? raw.model : "",
    created: typeof raw.created === "number" ? raw.created : 0,
    choices,
    usage: extractUsage({ usage: raw.usage }),
    requestId,
  };
}
