/**
 * Long answers: when the model stops on its output cap (`finish_reason: "length"`), ask it to
 * continue through Partial Mode (docs/moonshot-wire.md, "Partial mode"; recommended by Moonshot's FAQ) and join the
 * parts. The last message is the assistant text so far with `partial: true`; the service does
 * not repeat that prefix.
 */
import type { ChatMessage, ChatRequest, ChatResult, RequestOptions } from "../chat/types.ts";
import { addCost, type CostBreakdown, sumCost, zeroCost } from "../cost/pricing.ts";
import { emptyUsage, sumUsage, type Usage } from "../cost/usage.ts";
import type { ToolsClient } from "./client-port.ts";

/** Options of {@link continueOnLength}. */
export interface ContinueOnLengthOptions {
  /** Most continuation requests after the first answer (default 3). */
  maxContinuations?: number;
  signal?: AbortSignal;
  requestOptions?: Omit<RequestOptions, "signal">;
}

/** What {@link continueOnLength} resolves with. */
export interface LongAnswer {
  /** Every part joined: the whole answer. */
  content: string;
  /** @deprecated The same as {@link LongAnswer.content}; use `content`. */
  text: string;
  /** The text of each request, in order. */
  parts: string[];
  /** Continuation requests made. */
  continuations: number;
  /** `finish_reason` of the last part; `"length"` means the answer is still cut. */
  finishReason: string;
  /** Whether the answer is still cut (continuations exhausted or not possible). */
  truncated: boolean;
  /** Token totals over every request. */
  usage: Usage;
  /** Cost over every request, field by field; `total` is `null` when a price is unknown. */
  cost: CostBreakdown;
  /** @deprecated `cost.total`: USD over every request; `null` when a price is unknown. */
  totalCostUsd: number | null;
  /** Each raw result. */
  results: ChatResult[];
}

/**
 * Sends `request`; while the answer ends with `finish_reason: "length"`, continues it in partial
 * mode, at most `maxContinuations` times. Models without partial mode, and `json_object`
 * requests (Moonshot says not to mix the two, docs/moonshot-wire.md, "Partial mode"), are not continued.
 */
export async function continueOnLength(
  client: ToolsClient,
  request: ChatRequest,
  options: ContinueOnLengthOptions = {},
): Promise<LongAnswer> {
  const modelId = request.model ?? client.config.defaultModel;
  const model = client.models.get(modelId);
  const canContinue =
    (model === undefined || model.capabilities.partial) &&
    request.responseFormat?.type !== "json_object";
  const maxContinuations = options.maxContinuations ?? 3;
  const requestOptions: RequestOptions = {
    ...options.requestOptions,
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  };

  const parts: string[] = [];
  const results: ChatResult[] = [];
  let usage = emptyUsage();
  let cost: number | null = 0;
  let breakdown = zeroCost(modelId);
  let text = "";
  let reasoning: string | null = null;
  let continuations = 0;

  // A request that already ends in a partial assistant prefix is continued by replacing that
  // message, never by adding a second one (partial is allowed only on the last message).
  const last = request.messages.at(-1);
  const userPrefix = last?.role === "assistant" && last.partial === true ? last : undefined;
  const history = userPrefix ? request.messages.slice(0, -1) : request.messages;

  for (;;) {
    const messages: ChatMessage[] =
      results.length === 0
        ? request.messages
        : [
            ...history,
            {
              ...(userPrefix?.name !== undefined ? { name: userPrefix.name } : {}),
              role: "assistant",
              content: text,
              partial: true,
              // Thinking models may need their reasoning carried back (docs/moonshot-wire.md, "Partial mode", uncertain).
              ...(reasoning !== null ? { reasoning_content: reasoning } : {}),
            },
          ];
    const result = await client.chat({ ...request, model: modelId, messages }, requestOptions);
    results.push(result);
    // The client may already re-join the prefix; the wire answer never repeats it (docs/moonshot-wire.md, "Partial mode").
    const part =
      results.length > 1 && result.content.startsWith(text)
        ? result.content.slice(text.length)
        : result.content;
    parts.push(part);
    text += part;
    if (result.reasoningContent !== null) reasoning = (reasoning ?? "") + result.reasoningContent;
    usage = sumUsage(usage, result.usage);
    cost = addCost(cost, result.cost.total);
    breakdown = sumCost(breakdown, result.cost);

    const cut = result.finishReason === "length";
    // An empty prefix cannot be sent: Moonshot rejects empty content (docs/moonshot-wire.md).
    const stuck = text === "" || result.toolCalls.length > 0;
    if (!cut || !canContinue || stuck || continuations >= maxContinuations) {
      return {
        content: text,
        text,
        parts,
        continuations,
        finishReason: result.finishReason,
        truncated: cut,
        usage,
        cost: breakdown,
        totalCostUsd: cost,
        results,
      };
    }
    continuations++;
  }
}
