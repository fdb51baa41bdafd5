/**
 * `kimi.stream()`: a chat completion as Server-Sent Events (docs/moonshot-wire.md, "Streams"),
 * read from the socket, framed by {@link SseDataParser}, and handed to the pure
 * {@link StreamAccumulator}, which turns payloads into typed {@link StreamEvent}s and the
 * completion. This file keeps the I/O: the read loop, size limits per event, timeouts and aborts,
 * draining after `[DONE]`, and recording the result.
 *
 * Correctness rules: only `data: [DONE]` completes a stream; a stream that ends before it is a
 * {@link StreamTruncatedError} carrying the partial text, never a short success; leaving the
 * `for await` early aborts the HTTP request.
 */
import {
  AbortError,
  InvalidRequestError,
  NetworkError,
  ResponseTooLargeError,
  StreamTruncatedError,
  TimeoutError,
  timeoutMessage,
} from "../errors/error-classes.ts";
import { KimiError } from "../errors/kimi-error.ts";
import { responseRequestId } from "../http/raw-response.ts";
import { SseDataParser } from "../http/sse-data-parser.ts";
import type { OpenResponse } from "../http/transport.ts";
import { buildChatResult } from "./chat-result.ts";
import { reportWarning, sendWithModelFallback } from "./model-fallback.ts";
import { type ChatContext, chatCompletionRequest, type PreparedChat } from "./prepare-request.ts";
import { outputSpentOnReasoning } from "./reasoning-exhaustion.ts";
import { StreamAccumulator } from "./stream-accumulator.ts";
import type { ChatRequest, ChatResult, RequestOptions, StreamEvent } from "./types.ts";
import type { KimiWarning } from "./warnings.ts";

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
    return eventsOf(this.#run());
  }

  /** The stream's events, one batch per socket read (the iterator hands them out one by one). */
  async *#run(): AsyncGenerator<StreamEvent[], void, undefined> {
    let open: OpenResponse | undefined;
    let reader: AsyncIterator<Uint8Array> | undefined;
    let settled = false;
    let completed = false;
    try {
      // A retired model's 404 (and the fallback to its successor) comes before the first byte.
      const sent = await sendWithModelFallback(this.#context, this.#request, true, (ready) =>
        this.#context.http.open(chatCompletionRequest(ready, this.#options)),
      );
      const prepared = sent.prepared;
      const prefix = prepared.prefix;
      const http = this.#context.http;
      open = sent.value;
      const response = open.response;
      reader = response.body[Symbol.asyncIterator]();
      const headers = response.headers;
      const requestId = responseRequestId(headers);
      const maxEventBytes = http.maxStreamEventBytes;
      const accumulator = new StreamAccumulator({
        maxTextLength: http.maxResponseBytes,
        secrets: [this.#context.config.apiKey],
        model: prepared.modelId,
        requestId,
        retryAfter: headers.get("retry-after"),
      });
      const parser = new SseDataParser((data) => accumulator.add(data));

      while (!accumulator.done) {
        let read: IteratorResult<Uint8Array>;
        try {
          read = await reader.next();
        } catch (error) {
          throw this.#bodyError(open, error, accumulator.text, prefix);
        }
        if (read.done) {
          parser.end();
          if (accumulator.failure) throw accumulator.failure;
          if (accumulator.pending.length > 0) yield accumulator.takeEvents();
          break;
        }
        // One decode and one pass over the lines per socket read.
        const eventBytes = parser.feed(read.value);
        if (eventBytes > maxEventBytes) {
          throw new ResponseTooLargeError(
            `The stream sent an event (or a line) larger than the ${maxEventBytes}-byte limit without ending it, so the request was stopped. Raise \`maxStreamEventBytes\` (KIMI_MAX_STREAM_EVENT_BYTES) if the service genuinely sends such events; otherwise check KIMI_BASE_URL points at the Moonshot API.`,
            {
              limitBytes: maxEventBytes,
              setting: "maxStreamEventBytes",
              status: 200,
              requestId,
            },
          );
        }
        if (accumulator.failure) throw accumulator.failure;
        if (accumulator.pending.length > 0) yield accumulator.takeEvents();
      }
      if (!accumulator.done) throw truncated(accumulator.text, prefix, undefined);
      // The answer is complete. Read the (normally empty) rest of the body so the keep-alive
      // connection can be reused, but never wait on a server or proxy that holds the body open
      // after [DONE]: past a short grace period the connection is dropped instead.
      if (!(await drainWithin(reader, DRAIN_GRACE_MS))) open.cancel();

      const result = buildChatResult(
        accumulator.completion(requestId),
        prepared.model,
        prepared.modelId,
        prefix,
      );
      this.#addWarnings(result, prepared, sent.warnings);
      settled = true;
      completed = true;
      open.done();
      this.#context.ledger.record(result);
      this.#resolve(result);
      yield [
        {
          type: "finish",
          finishReason: result.finishReason,
          usage: result.usage,
          cost: result.cost,
        },
      ];
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

  #bodyError(open: OpenResponse, error: unknown, text: string, prefix: string): KimiError {
    if (open.interrupted()) {
      // A timeout or the caller's abort cut the stream: keep the text received so far, as a cut
      // connection does (StreamTruncatedError.partialContent).
      const typed = open.translateBodyError(error);
      const partial = prefix + text;
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
    return truncated(text, prefix, error);
  }
}

/**
 * An iterator over `batches` that hands out their events one by one. The events of one socket
 * read are produced together; handing each out through its own async-generator turn would cost a
 * generator resumption and extra microtask turns per event, here it is one resolved promise. Leaving
 * early (`return`, as `for await` does on `break`) returns the generator, whose `finally` cancels
 * the request; `next` calls made while one is pending are answered in order.
 */
function eventsOf(
  batches: AsyncGenerator<StreamEvent[], void, undefined>,
): AsyncIterableIterator<StreamEvent> {
  let batch: StreamEvent[] = [];
  let at = 0;
  let pending: Promise<IteratorResult<StreamEvent>> | undefined;
  const advance = (): Promise<IteratorResult<StreamEvent>> => {
    const event = batch[at];
    if (event !== undefined) {
      at++;
      return Promise.resolve({ value: event, done: false });
    }
    pending = batches.next().then(
      (read): IteratorResult<StreamEvent> | Promise<IteratorResult<StreamEvent>> => {
        pending = undefined;
        if (read.done) return { value: undefined, done: true };
        batch = read.value;
        at = 1;
        const first = batch[0];
        // Batches are never empty; an empty one would only mean "read on".
        return first === undefined ? advance() : { value: first, done: false };
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
  const iterator: AsyncIterableIterator<StreamEvent> = {
    // A `next` made while a batch is awaited waits for it, then looks again.
    next: () => {
      if (pending === undefined) return advance();
      const again = () => iterator.next();
      return pending.then(again, again);
    },
    return: async (): Promise<IteratorResult<StreamEvent>> => {
      batch = [];
      at = 0;
      await batches.return(undefined);
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
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

/** The error for a stream that broke before [DONE]; the partial text includes a partial-mode prefix, like `result.content`. */
function truncated(received: string, prefix: string, cause: unknown): StreamTruncatedError {
  return new StreamTruncatedError(
    `The stream ended before \`data: [DONE]\` after ${received.length} characters of text: the answer is incomplete. Retry the request (the partial text is on \`partialContent\`).`,
    cause === undefined
      ? { partialContent: prefix + received }
      : { partialContent: prefix + received, cause },
  );
}
