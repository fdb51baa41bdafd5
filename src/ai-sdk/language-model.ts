/**
 * A Kimi chat model as the AI SDK's `LanguageModelV4`. Every byte on the wire goes through the
 * library's client (`kimi.chat` / `kimi.stream`, or their with-files forms): its request policy,
 * retries, SSE decoding, usage extraction and pricing. This file only translates between the
 * specification and the client.
 */
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
} from "@ai-sdk/provider";
import { type ChatResult, isWebSearchCall, type Kimi } from "kimi-provider";
import { completeOnce, streamOnce } from "./client-calls.ts";
import { convertUsage } from "./convert-usage.ts";
import { type ErrorContext, toAiSdkError } from "./map-error.ts";
import { mapFinishReason } from "./map-finish-reason.ts";
import { StreamPartMapper, toolInput } from "./map-stream.ts";
import { type PreparedCall, prepareCall } from "./prepare-call.ts";
import { providerMetadata } from "./provider-metadata.ts";
import {
  addToTotals,
  afterSearch,
  type CallTotals,
  MAX_SEARCH_ROUNDS,
  wantsSearchResults,
} from "./web-search-rounds.ts";

/** The provider name the AI SDK reports for these models. */
export const KIMI_CHAT_PROVIDER = "kimi.chat";

function answerText(result: ChatResult, prefix: string): string {
  // Partial mode: the client re-joins the prefix; the AI SDK wants only the continuation.
  return prefix !== "" && result.content.startsWith(prefix)
    ? result.content.slice(prefix.length)
    : result.content;
}

function metadataOf(result: ChatResult, totals: CallTotals) {
  return providerMetadata({
    costUsd: totals.costUsd,
    cachedTokens: totals.usage?.cachedTokens ?? null,
    requestId: result.requestId ?? null,
    model: result.model,
    webSearchCalls: totals.webSearchCalls,
  });
}

function responseOf(result: ChatResult) {
  return {
    id: result.id,
    modelId: result.model,
    ...(result.created > 0 ? { timestamp: new Date(result.created * 1000) } : {}),
  };
}

/** A Kimi model for `generateText`, `streamText` and the rest of the AI SDK. */
export class KimiChatLanguageModel implements LanguageModelV4 {
  /** The language model specification this class implements (`ai` 7). */
  readonly specificationVersion = "v4";
  /** {@link KIMI_CHAT_PROVIDER}, as the AI SDK reports it in warnings and telemetry. */
  readonly provider = KIMI_CHAT_PROVIDER;
  /** The Kimi model id sent as `model` (the answer's `response.modelId` is the one that answered). */
  readonly modelId: string;
  /**
   * `ms://<file id>` images and videos go to the service as they are; the AI SDK downloads other
   * URLs and hands over their bytes, which are sent as data URLs (Moonshot takes no web URLs).
   */
  readonly supportedUrls: Record<string, RegExp[]> = {
    "image/*": [/^ms:\/\//i],
    "video/*": [/^ms:\/\//i],
  };
  readonly #client: () => Kimi;

  /** Use the provider (`kimi("kimi-k2.6")`); `client` returns the shared library client. */
  constructor(modelId: string, client: () => Kimi) {
    this.modelId = modelId;
    this.#client = client;
  }

  #prepare(options: LanguageModelV4CallOptions): {
    kimi: Kimi;
    call: PreparedCall;
    context: ErrorContext;
  } {
    const kimi = this.#client();
    const call = prepareCall(options, this.modelId, kimi.models.get(this.modelId));
    const context: ErrorContext = {
      url: `${kimi.config.baseURL}/chat/completions`,
      requestBody: call.request,
      clientRetries: kimi.config.maxRetries,
    };
    return { kimi, call, context };
  }

  /**
   * One answer through `kimi.chat` (or chat-with-files when the prompt has documents), plus the
   * `$web_search` rounds when asked for. Called by `generateText`; failures are `APICallError`s.
   */
  async doGenerate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    const { kimi, call, context } = this.#prepare(options);
    let request = call.request;
    let result: ChatResult | undefined;
    let totals: CallTotals | undefined;
    try {
      for (let round = 1; ; round++) {
        result = await completeOnce(kimi, request, call.documents, call.requestOptions);
        totals = addToTotals(totals, result);
        if (!wantsSearchResults(result) || round >= MAX_SEARCH_ROUNDS) break;
        request = afterSearch(request, result);
      }
    } catch (error) {
      throw toAiSdkError(error, context);
    }
    const content: LanguageModelV4Content[] = [];
    if (result.reasoningContent) content.push({ type: "reasoning", text: result.reasoningContent });
    const text = answerText(result, call.prefix);
    if (text !== "") content.push({ type: "text", text });
    result.toolCalls.forEach((toolCall, index) => {
      if (isWebSearchCall(toolCall)) return;
      content.push({
        type: "tool-call",
        toolCallId: toolCall.id !== "" ? toolCall.id : `call-0-${index}`,
        toolName: toolCall.function.name,
        input: toolInput(toolCall),
      });
    });
    return {
      content,
      finishReason: mapFinishReason(result.finishReason),
      usage: convertUsage(totals.usage),
      providerMetadata: metadataOf(result, totals),
      request: { url: context.url, body: request },
      response: {
        ...responseOf(result),
        ...(result.requestId !== undefined
          ? { headers: { "msh-request-id": result.requestId } }
          : {}),
      },
      warnings: call.warnings,
    };
  }

  /**
   * One answer through `kimi.stream` as specification stream parts. Called by `streamText`;
   * failures, a stream cut before `[DONE]` included, are an `error` part with an `APICallError`.
   * Cancelling the returned stream aborts the request.
   */
  async doStream(options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    const { kimi, call, context } = this.#prepare(options);
    const parts = streamParts(kimi, call, context);
    const stream = new ReadableStream<LanguageModelV4StreamPart>({
      async pull(controller) {
        const next = await parts.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel() {
        // Stops reading the client's stream, which aborts the HTTP request.
        await parts.return(undefined);
      },
    });
    return { stream, request: { url: context.url, body: call.request } };
  }
}

/** The read loop of `doStream`: client events in, specification parts out. */
async function* streamParts(
  kimi: Kimi,
  call: PreparedCall,
  context: ErrorContext,
): AsyncGenerator<LanguageModelV4StreamPart, void, undefined> {
  yield { type: "stream-start", warnings: call.warnings };
  const mapper = new StreamPartMapper();
  let request = call.request;
  let totals: CallTotals | undefined;
  let result: ChatResult | undefined;
  try {
    for (let round = 1; ; round++) {
      const source = streamOnce(kimi, request, call.documents, call.requestOptions);
      for await (const event of source) yield* mapper.map(event);
      result = await source.result;
      totals = addToTotals(totals, result);
      if (!wantsSearchResults(result) || round >= MAX_SEARCH_ROUNDS) break;
      mapper.nextRound();
      request = afterSearch(request, result);
    }
  } catch (error) {
    yield { type: "error", error: toAiSdkError(error, context) };
    return;
  }
  yield* mapper.close();
  yield { type: "response-metadata", ...responseOf(result) };
  yield {
    type: "finish",
    finishReason: mapFinishReason(result.finishReason),
    usage: convertUsage(totals.usage),
    providerMetadata: metadataOf(result, totals),
  };
}
