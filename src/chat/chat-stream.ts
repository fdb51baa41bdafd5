/**
 * `kimi.stream()`: a chat completion as Server-Sent Events (reference §3.2), decoded with
 * eventsource-parser into typed {@link StreamEvent}s, with the accumulated {@link ChatResult} at
 * the end.
 *
 * Correctness rules: only `data: [DONE]` completes a stream (doc:streaming); a stream that ends
 * before it is a {@link StreamTruncatedError} carrying the partial text, never a short success;
 * a data line that is not JSON is a {@link MalformedResponseError}; an `{"error":{...}}` data
 * event becomes the mapped typed error; leaving the `for await` early aborts the HTTP request.
 *
 * Hot path: one `JSON.parse` per event, no schema validation, one event object per delta and
 * string concatenation (V8 ropes) for accumulation.
 */
import type { EventSourceMessage } from "eventsource-parser";
import { parseUsage, type Usage } from "../cost/usage.ts";
import {
  AbortError,
  InvalidRequestError,
  MalformedResponseError,
  NetworkError,
  ResponseTooLargeError,
  StreamTruncatedError,
  TimeoutError,
  timeoutMessage,
} from "../errors/error-classes.ts";
import { errorFromStreamEvent } from "../errors/error-mapping.ts";
import { KimiError } from "../errors/kimi-error.ts";
import { redactText } from "../errors/redact.ts";
import { type HeaderReader, responseRequestId } from "../http/raw-response.ts";
import { SseEventGuard } from "../http/sse-event-guard.ts";
import type { OpenResponse } from "../http/transport.ts";
import {
  buildChatResult,
  MAX_CHOICE_INDEX,
  MAX_TOOL_CALL_INDEX,
  type ReceivedChoice,
  wireIndex,
} from "./chat-result.ts";
import { reportWarning, sendWithModelFallback } from "./model-fallback.ts";
import { type ChatContext, chatCompletionRequest, type PreparedChat } from "./prepare-request.ts";
import { outputSpentOnReasoning } from "./reasoning-exhaustion.ts";
import type { ChatRequest, ChatResult, RequestOptions, StreamEvent, ToolCall } from "./types.ts";
import type { KimiWarning } from "./warnings.ts";

interface ToolCallState {
  id: string;
  type: string;
  name: string;
  arguments: string;
}

interface ChoiceState {
  index: number;
  content: string;
  reasoning: string | null;
  /** Keyed by the wire `index`: a Map, so no index can reach a prototype. */
  tools: Map<number, ToolCallState>;
  finishReason: string | null;
  usage: Usage | undefined;
}

interface DeltaToolCall {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

interface ChunkChoice {
  index?: number;
  delta?: {
    content?: string | null;
    reasoning_content?: string | null;
    tool_calls?: DeltaToolCall[];
  };
  finish_reason?: string | null;
  usage?: unknown;
}

interface Chunk {
  id?: string;
  model?: string;
  created?: number;
  choices?: ChunkChoice[];
  usage?: unknown;
  error?: unknown;
}

function newChoice(index: number): ChoiceState {
  return {
    index,
    content: "",
    reasoning: null,
    tools: new Map(),
    finishReason: null,
    usage: undefined,
  };
}

/** The tool calls of a choice in `index` order. */
function orderedTools(state: ChoiceState): ToolCallState[] {
  return [...state.tools.entries()].sort((a, b) => a[0] - b[0]).map((entry) => entry[1]);
}

function toToolCall(state: ToolCallState): ToolCall {
  return {
    id: state.id,
    type: state.type,
    function: { name: state.name, arguments: state.arguments },
  };
}

/**
 * A streaming chat completion: iterate it with `for await` for {@link StreamEvent}s, then read
 * {@link ChatStream.result}. Single consumer. If you never iterate, awaiting `result` consumes the
 * stream for you.
 */
export class ChatStream implements AsyncIterable<StreamEvent> {
  readonly #context: ChatContext;
  readonly #request: ChatRequest;
  readonly #options: RequestOptions;
  readonly #result: Promise<ChatResult>;
  #resolve: (result: ChatResult) => void = () => {};
  #reject: (error: KimiError) => void = () => {};
  #started = false;

  /** Use `kimi.stream()`. Nothing is sent until the stream is iterated or `result` awaited. */
  constructor(context: ChatContext, request: ChatRequest, options: RequestOptions = {}) {
    this.#context = context;
    this.#request = request;
    this.#options = options;
    this.#result = new Promise<ChatResult>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // The result rejects whenever the stream fails; that must not be an unhandled rejection for
    // callers who only iterate.
    this.#result.catch(() => {});
  }

  /**
   * The accumulated result; rejects with the stream's error. Accessing it without iterating
   * (in the same tick) makes the stream consume itself.
   */
  get result(): Promise<ChatResult> {
    if (!this.#started) {
      setImmediate(() => {
        if (!this.#started) void this.#drain();
      });
    }
    return this.#result;
  }

  async #drain(): Promise<void> {
    try {
      for await (const _ of this) {
        // Events are dropped: only the result was asked for.
      }
    } catch {
      // Already delivered through `result`.
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamEvent> {
    if (this.#started) {
      throw new InvalidRequestError(
        "This stream is already being read: a ChatStream has a single consumer. Call kimi.stream() again for another.",
      );
    }
    this.#started = true;
    return this.#run();
  }

  async *#run(): AsyncGenerator<StreamEvent, void, undefined> {
    let open: OpenResponse | undefined;
    let reader: AsyncIterator<Uint8Array> | undefined;
    let settled = false;
    let completed = false;
    // Keyed by the wire `index`, validated first (see wireIndex): a Map, so that neither a huge
    // index (a sparse array billions long) nor "__proto__" can do harm.
    const choices = new Map<number, ChoiceState>([[0, newChoice(0)]]);
    try {
      // A retired model's 404 (and the fallback to its successor) comes before the first byte.
      const sent = await sendWithModelFallback(this.#context, this.#request, true, (ready) =>
        this.#context.http.open(chatCompletionRequest(ready, this.#options)),
      );
      const prepared = sent.prepared;
      const http = this.#context.http;
      open = sent.value;
      const response = open.response;
      reader = response.body[Symbol.asyncIterator]();
      const headers = response.headers;
      const secrets = [this.#context.config.apiKey];
      const maxEventBytes = http.maxStreamEventBytes;
      const maxTextLength = http.maxResponseBytes;
      const eventGuard = new SseEventGuard();
      // Text held for the result (content, reasoning, tool arguments), bounded like a JSON body.
      let heldLength = 0;
      const pending: StreamEvent[] = [];
      let id = "";
      let model = "";
      let created = 0;
      let topUsage: Usage | undefined;
      let done = false;
      let failure: KimiError | undefined;

      const onEvent = (message: EventSourceMessage): void => {
        if (done || failure) return;
        const data = message.data;
        if (data === "[DONE]") {
          done = true;
          return;
        }
        let chunk: Chunk;
        try {
          chunk = JSON.parse(data) as Chunk;
        } catch (cause) {
          failure = new MalformedResponseError(
            `The stream sent a data line that is not JSON: ${redactText(JSON.stringify(data.slice(0, 120)), secrets)}. The response is unusable; retry the request.`,
            { cause },
          );
          return;
        }
        if (chunk === null || typeof chunk !== "object") {
          failure = streamMalformed(`a data event is ${JSON.stringify(chunk)}, not an object`);
          return;
        }
        if (chunk.error !== undefined && chunk.error !== null) {
          failure = errorFromStreamEvent(data, {
            requestId: responseRequestId(headers),
            retryAfter: headers.get("retry-after"),
            secrets,
            model: prepared.modelId,
          });
          return;
        }
        if (chunk.id !== undefined && id === "") {
          id = chunk.id;
          model = chunk.model ?? "";
          created = chunk.created ?? 0;
        }
        if (chunk.usage) topUsage = parseUsage(chunk.usage) ?? topUsage;
        const list = chunk.choices;
        if (list === undefined || list === null) return;
        if (!Array.isArray(list)) {
          failure = streamMalformed("`choices` is not an array");
          return;
        }
        for (let c = 0; c < list.length; c++) {
          const entry = list[c] as ChunkChoice;
          if (entry === null || typeof entry !== "object") {
            failure = streamMalformed("a choice is not an object");
            return;
          }
          const index = wireIndex(entry.index, 0, MAX_CHOICE_INDEX, "choice");
          if (typeof index === "string") {
            failure = streamMalformed(index);
            return;
          }
          let state = choices.get(index);
          if (!state) {
            state = newChoice(index);
            choices.set(index, state);
          }
          const emit = index === 0;
          const delta = entry.delta;
          if (delta) {
            const reasoning = delta.reasoning_content;
            if (typeof reasoning === "string") {
              heldLength += reasoning.length;
              state.reasoning = state.reasoning === null ? reasoning : state.reasoning + reasoning;
              if (emit && reasoning !== "")
                pending.push({ type: "reasoning-delta", text: reasoning });
            }
            const content = delta.content;
            if (typeof content === "string" && content !== "") {
              heldLength += content.length;
              state.content += content;
              if (emit) pending.push({ type: "text-delta", text: content });
            }
            const calls = delta.tool_calls;
            if (calls !== undefined && calls !== null) {
              if (!Array.isArray(calls)) {
                failure = streamMalformed("`tool_calls` is not an array");
                return;
              }
              for (let t = 0; t < calls.length; t++) {
                const call = calls[t] as DeltaToolCall;
                if (call === null || typeof call !== "object") {
                  failure = streamMalformed("a tool call is not an object");
                  return;
                }
                // Fragments are keyed by index, never by id: ids may be empty or change mid-stream
                // on some gateways (docs/moonshot-wire.md); the first non-empty id is kept exactly.
                const slot = wireIndex(call.index, t, MAX_TOOL_CALL_INDEX, "tool call");
                if (typeof slot === "string") {
                  failure = streamMalformed(slot);
                  return;
                }
                let tool = state.tools.get(slot);
                if (!tool) {
                  tool = { id: "", type: "function", name: "", arguments: "" };
                  state.tools.set(slot, tool);
                }
                if (typeof call.id === "string" && call.id !== "" && tool.id === "") {
                  tool.id = call.id;
                }
                if (typeof call.type === "string" && call.type !== "") tool.type = call.type;
                const fn = call.function;
                const name = typeof fn?.name === "string" ? fn.name : "";
                if (name) tool.name += name;
                const args = typeof fn?.arguments === "string" ? fn.arguments : "";
                heldLength += name.length + args.length;
                tool.arguments += args;
                if (emit) {
                  const event: StreamEvent = {
                    type: "tool-call-delta",
                    index: slot,
                    argumentsDelta: args,
                  };
                  if (typeof call.id === "string" && call.id !== "") event.id = call.id;
                  if (name) event.name = name;
                  pending.push(event);
                }
              }
            }
          }
          if (typeof entry.finish_reason === "string" && entry.finish_reason !== "") {
            state.finishReason = entry.finish_reason;
            if (emit) {
              for (const tool of orderedTools(state))
                pending.push({ type: "tool-call", toolCall: toToolCall(tool) });
            }
          }
          if (entry.usage) state.usage = parseUsage(entry.usage) ?? state.usage;
        }
        if (heldLength > maxTextLength) {
          failure = new ResponseTooLargeError(
            `The stream's answer grew past the ${maxTextLength}-character limit (maxResponseBytes), so the request was stopped. Raise \`maxResponseBytes\` (KIMI_MAX_RESPONSE_BYTES) if answers are genuinely this long; otherwise check KIMI_BASE_URL points at the Moonshot API.`,
            {
              limitBytes: maxTextLength,
              setting: "maxResponseBytes",
              status: 200,
              requestId: responseRequestId(headers),
            },
          );
        }
      };
      const { createParser } = await loadSseParser();
      const parser = createParser({ onEvent });
      const decoder = new TextDecoder();

      while (!done) {
        let read: IteratorResult<Uint8Array>;
        try {
          read = await reader.next();
        } catch (error) {
          throw this.#bodyError(open, error, choices, prepared.prefix);
        }
        if (read.done) {
          parser.feed(decoder.decode());
          parser.reset({ consume: true });
          if (failure) throw failure;
          for (const event of pending) yield event;
          pending.length = 0;
          break;
        }
        const text = decoder.decode(read.value, { stream: true });
        const eventBytes = eventGuard.feed(text);
        if (eventBytes > maxEventBytes) {
          throw new ResponseTooLargeError(
            `The stream sent an event (or a line) larger than the ${maxEventBytes}-byte limit without ending it, so the request was stopped. Raise \`maxStreamEventBytes\` (KIMI_MAX_STREAM_EVENT_BYTES) if the service genuinely sends such events; otherwise check KIMI_BASE_URL points at the Moonshot API.`,
            {
              limitBytes: maxEventBytes,
              setting: "maxStreamEventBytes",
              status: 200,
              requestId: responseRequestId(headers),
            },
          );
        }
        parser.feed(text);
        if (failure) throw failure;
        if (pending.length > 0) {
          for (const event of pending) yield event;
          pending.length = 0;
        }
      }
      if (!done) throw truncated(choices, prepared.prefix, undefined);
      // The answer is complete. Read the (normally empty) rest of the body so the keep-alive
      // connection can be reused, but never wait on a server or proxy that holds the body open
      // after [DONE]: past a short grace period the connection is dropped instead.
      if (!(await drainWithin(reader, DRAIN_GRACE_MS))) open.cancel();

      const result = this.#finish(prepared, choices, { id, model, created, topUsage, headers });
      this.#addWarnings(result, prepared, sent.warnings);
      settled = true;
      completed = true;
      open.done();
      this.#context.ledger.record(result);
      this.#resolve(result);
      yield {
        type: "finish",
        finishReason: result.finishReason,
        usage: result.usage,
        cost: result.cost,
      };
    } catch (error) {
      // Whatever the server sent, the key it may have echoed goes nowhere.
      const typed = this.#context.http.redact(
        error instanceof KimiError
          ? error
          : new NetworkError(`The stream failed: ${String(error)}`, {
              cause: error,
              retryable: false,
            }),
      );
      settled = true;
      this.#reject(typed);
      throw typed;
    } finally {
      if (!settled) {
        // The consumer left the loop early: abort the request so the socket is released.
        this.#reject(
          new AbortError(
            "The stream was closed before it finished (the consumer stopped reading).",
          ),
        );
      }
      if (reader) reader.return?.()?.catch(() => {});
      if (open) {
        // After an error or an early exit the server may still be sending: abort the request.
        if (!completed) open.cancel();
        open.done();
      }
    }
  }

  #addWarnings(result: ChatResult, prepared: PreparedChat, earlier: KimiWarning[]): void {
    result.warnings = earlier;
    const spent = outputSpentOnReasoning(result, prepared.decision.maxTokens, prepared.prefix);
    if (spent) reportWarning(this.#context, result.warnings, spent);
  }

  #bodyError(
    open: OpenResponse,
    error: unknown,
    choices: Map<number, ChoiceState>,
    prefix: string,
  ): KimiError {
    if (open.interrupted()) {
      // A timeout or the caller's abort cut the stream: keep the text received so far, as a cut
      // connection does (StreamTruncatedError.partialContent).
      const typed = open.translateBodyError(error);
      const partial = prefix + (choices.get(0)?.content ?? "");
      if (typed instanceof TimeoutError) {
        return new TimeoutError(timeoutMessage(typed.timeoutMs, partial), {
          timeoutMs: typed.timeoutMs,
          cause: error,
          partialContent: partial,
        });
      }
      if (typed instanceof AbortError) {
        return new AbortError(
          "The request was aborted by the caller; the text received before is on `partialContent`.",
          { cause: error, partialContent: partial },
        );
      }
      return typed;
    }
    // The connection broke after bytes flowed: never retried, never a short success.
    return truncated(choices, prefix, error);
  }

  #finish(
    prepared: PreparedChat,
    choices: Map<number, ChoiceState>,
    meta: {
      id: string;
      model: string;
      created: number;
      topUsage: Usage | undefined;
      headers: HeaderReader;
    },
  ): ChatResult {
    const received: ReceivedChoice[] = [];
    for (const state of choices.values()) {
      received.push({
        index: state.index,
        content: state.content,
        reasoningContent: state.reasoning,
        toolCalls: orderedTools(state).map(toToolCall),
        finishReason: state.finishReason ?? "stop",
        usage: state.usage,
      });
    }
    return buildChatResult(
      {
        id: meta.id,
        model: meta.model,
        created: meta.created,
        choices: received,
        usage: meta.topUsage,
        requestId: responseRequestId(meta.headers),
      },
      prepared.model,
      prepared.modelId,
      prepared.prefix,
    );
  }
}

/** A stream event that is not the documented shape. */
function streamMalformed(detail: string): MalformedResponseError {
  return new MalformedResponseError(
    `The stream sent an event that is not the documented shape: ${detail}. The response is unusable; check that KIMI_BASE_URL points at the Moonshot API, or retry.`,
  );
}

/** How long a finished stream may take to end its body before the connection is dropped. */
const DRAIN_GRACE_MS = 100;

/** Reads `reader` to its end; false when that takes longer than `ms` (the read goes on). */
async function drainWithin(reader: AsyncIterator<Uint8Array>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, ms, false);
  });
  const drained = (async (): Promise<true> => {
    try {
      while (!(await reader.next()).done) {}
    } catch {
      // A broken tail after [DONE] only costs the connection.
    }
    return true;
  })();
  try {
    return await Promise.race([drained, late]);
  } finally {
    clearTimeout(timer);
  }
}

let sseParser: Promise<typeof import("eventsource-parser")> | undefined;

/** eventsource-parser, imported with the first stream: programs that never stream don't pay for it. */
function loadSseParser(): Promise<typeof import("eventsource-parser")> {
  sseParser ??= import("eventsource-parser");
  return sseParser;
}

/** The error for a stream that broke before [DONE]; the partial text includes a partial-mode prefix, like `result.content`. */
function truncated(
  choices: Map<number, ChoiceState>,
  prefix: string,
  cause: unknown,
): StreamTruncatedError {
  const received = choices.get(0)?.content ?? "";
  return new StreamTruncatedError(
    `The stream ended before \`data: [DONE]\` after ${received.length} characters of text: the answer is incomplete. Retry the request (the partial text is on \`partialContent\`).`,
    cause === undefined
      ? { partialContent: prefix + received }
      : { partialContent: prefix + received, cause },
  );
}
