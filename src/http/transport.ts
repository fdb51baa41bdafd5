/**
 * The HTTP transport every part of the library sends through: base URL, bearer auth, per-request
 * timeout, caller cancellation, typed errors, retries with backoff, and redacted debug events.
 */
import { abortableSleep } from "./abortable-sleep.ts";
import { errorFromResponse } from "./error-mapping.ts";
import {
  AbortError,
  ConfigurationError,
  KimiError,
  MalformedResponseError,
  NetworkError,
  TimeoutError,
} from "./errors.ts";
import { startNodeHttpRequest } from "./node-http-request.ts";
import {
  fromFetchResponse,
  type HeaderReader,
  type RawResponse,
  responseRequestId,
} from "./raw-response.ts";
import { redactHeaders, redactText } from "./redact.ts";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs } from "./retry-policy.ts";

/** The longest delay `setTimeout` honours (a larger one fires after 1 ms). */
const MAX_TIMER_DELAY_MS = 2_147_483_647;

/** Information passed to `onRetry` before each retry. */
export interface RetryEvent {
  /** 1 for the first retry. */
  attempt: number;
  /** Retries allowed in total. */
  maxRetries: number;
  /** How long the transport will wait before sending again, in ms. */
  delayMs: number;
  /** The failure being retried. */
  error: KimiError;
  method: string;
  path: string;
}

/** A redacted record of traffic, for `debug` hooks and `--verbose`. */
export type DebugEvent =
  | {
      type: "request";
      method: string;
      url: string;
      headers: Record<string, string>;
      body: string | undefined;
    }
  | { type: "response"; method: string; url: string; status: number; durationMs: number }
  | { type: "retry"; event: RetryEvent };

/** Settings of a {@link HttpTransport}. */
export interface TransportOptions {
  /** e.g. `https://api.moonshot.ai/v1`, without trailing slash. */
  baseURL: string;
  /** Bearer key; a request without one fails with a {@link ConfigurationError}. */
  apiKey: string | undefined;
  /** Default per-request timeout in ms (whole request, stream included). */
  timeoutMs: number;
  /** Retry settings. */
  retry: RetryPolicy;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** Called before every retry. */
  onRetry?: (event: RetryEvent) => void;
  /** Receives redacted traffic records. */
  debug?: (event: DebugEvent) => void;
  /**
   * A `fetch` to send with instead of Node's `http`/`https` modules (proxies, instrumentation).
   * Without it, requests go through a keep-alive `node:http` agent (multipart uploads use
   * Node's global `fetch`).
   */
  fetch?: typeof fetch | undefined;
}

/** One request. */
export interface TransportRequest {
  method: "GET" | "POST" | "DELETE";
  /** Path under the base URL, starting with `/`, e.g. `/chat/completions`. */
  path: string;
  /** JSON body (serialized here) or multipart form. */
  body?: unknown;
  /** Caller's cancellation. */
  signal?: AbortSignal | undefined;
  /** Overrides the default timeout for this request. */
  timeoutMs?: number | undefined;
  /** Overrides retries for this request (e.g. 0 for uploads of non-replayable bodies). */
  maxRetries?: number | undefined;
  /** Extra headers for this request. */
  headers?: Record<string, string> | undefined;
  /** The model the request is for, to name it in errors. */
  model?: string | undefined;
}

/** A successful response with its body read. */
export interface TransportResponse<T> {
  data: T;
  status: number;
  headers: HeaderReader;
}

/** A successful response whose body is still to be read (streams). */
export interface OpenResponse {
  response: RawResponse;
  /** Tears the request down (e.g. when the consumer stops reading a stream). */
  cancel: () => void;
  /** Settles the timeout timer; call when the body has been consumed. */
  done: () => void;
  /** True once the timeout fired or the caller aborted. */
  interrupted: () => boolean;
  /** Translates an error thrown while reading the body into a typed error. */
  translateBodyError: (error: unknown) => KimiError;
}

/** Sends requests to the Moonshot API with auth, timeouts, retries and typed errors. */
export class HttpTransport {
  readonly options: TransportOptions;
  readonly #fetch: typeof fetch | undefined;

  constructor(options: TransportOptions) {
    this.options = { ...options, retry: options.retry ?? DEFAULT_RETRY_POLICY };
    this.#fetch = options.fetch;
  }

  /** Sends a request and parses a JSON body. */
  async json<T>(request: TransportRequest): Promise<T> {
    return (await this.jsonResponse<T>(request)).data;
  }

  /** Sends a request and parses a JSON body, keeping the response status and headers. */
  async jsonResponse<T>(request: TransportRequest): Promise<TransportResponse<T>> {
    const { text, status, headers } = await this.textResponse(request);
    try {
      return { data: JSON.parse(text) as T, status, headers };
    } catch (cause) {
      throw new MalformedResponseError(
        `${request.method} ${request.path} returned a body that is not JSON (${text.length} bytes: ${redactText(text.slice(0, 120), [this.options.apiKey])}). Check KIMI_BASE_URL points at the Moonshot API; retry if the connection was cut.`,
        { cause, status, requestId: responseRequestId(headers) },
      );
    }
  }

  /** Sends a request and returns the body as text (retries cover reading the body too). */
  async text(request: TransportRequest): Promise<string> {
    return (await this.textResponse(request)).data;
  }

  /** Like {@link text}, keeping the response status and headers. */
  async textResponse(
    request: TransportRequest,
  ): Promise<TransportResponse<string> & { text: string }> {
    return this.#withRetries(request, async () => {
      const open = await this.#send(request);
      try {
        const text = await open.response.text();
        return {
          data: text,
          text,
          status: open.response.status,
          headers: open.response.headers,
        };
      } catch (error) {
        const typed = open.translateBodyError(error);
        // The service already answered (and may have billed) this request: sending it again on
        // a broken body could run it twice, so only failures before the response are retried.
        if (typed instanceof NetworkError && typed.retryable) {
          throw new NetworkError(
            `The connection broke while the response of ${request.method} ${request.path} was being read (${redactText(error instanceof Error ? error.message : String(error), [this.options.apiKey])}). The service may have processed the request, so it was not retried automatically.`,
            { cause: error, status: open.response.status },
            false,
          );
        }
        throw typed;
      } finally {
        open.done();
      }
    });
  }

  /**
   * Sends a request and returns the open response once its status is 2xx; failures before that
   * (HTTP errors, connection failures) are retried. Used for streams: once bytes flow, a failure
   * is the stream reader's to report, never silently retried.
   */
  async open(request: TransportRequest): Promise<OpenResponse> {
    return this.#withRetries(request, () => this.#send(request));
  }

  async #withRetries<T>(request: TransportRequest, attempt: () => Promise<T>): Promise<T> {
    const maxRetries = request.maxRetries ?? this.options.retry.maxRetries;
    for (let attemptNumber = 0; ; attemptNumber++) {
      try {
        return await attempt();
      } catch (error) {
        const typed =
          error instanceof KimiError
            ? error
            : new NetworkError(`Request failed: ${String(error)}`, { cause: error });
        if (!typed.retryable || attemptNumber >= maxRetries || request.signal?.aborted) {
          throw typed;
        }
        const delayMs = retryDelayMs(attemptNumber + 1, typed, this.options.retry);
        const event: RetryEvent = {
          attempt: attemptNumber + 1,
          maxRetries,
          delayMs,
          error: typed,
          method: request.method,
          path: request.path,
        };
        this.options.onRetry?.(event);
        this.options.debug?.({ type: "retry", event });
        await abortableSleep(delayMs, request.signal);
      }
    }
  }

  async #send(request: TransportRequest): Promise<OpenResponse> {
    const { apiKey, baseURL } = this.options;
    if (!apiKey) {
      throw new ConfigurationError(
        "KIMI_API_KEY",
        "No API key: set KIMI_API_KEY (or pass `apiKey` to createKimi) before sending requests. Without a key, start the local emulator (`kimi-provider emulator`) and point KIMI_BASE_URL at it.",
      );
    }
    if (request.signal?.aborted) throw new AbortError();
    const url = `${baseURL}${request.path}`;
    const headers: Record<string, string> = {
      Accept: "application/json, text/event-stream",
      ...this.options.headers,
      ...request.headers,
      Authorization: `Bearer ${apiKey}`,
    };
    let body: string | FormData | undefined;
    if (request.body instanceof FormData) {
      body = request.body;
    } else if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers["Content-Type"] = "application/json";
    }

    // One teardown for both senders: the timeout and the caller's signal call `interrupt`, which
    // destroys the socket (node:http) or aborts the controller (fetch).
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs;
    let timedOut = false;
    let interrupt: () => void = () => {};
    // setTimeout turns a delay above 2^31-1 ms into 1 ms: clamp, so a huge timeout means "24.8
    // days", not "at once".
    const timer = setTimeout(
      () => {
        timedOut = true;
        interrupt();
      },
      Math.min(timeoutMs, MAX_TIMER_DELAY_MS),
    );
    timer.unref?.();
    const onCallerAbort = () => interrupt();
    request.signal?.addEventListener("abort", onCallerAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      request.signal?.removeEventListener("abort", onCallerAbort);
    };
    const interrupted = () => timedOut || request.signal?.aborted === true;
    const translate = (error: unknown): KimiError => {
      if (error instanceof KimiError) return error;
      if (timedOut) return new TimeoutError(timeoutMs, { cause: error });
      if (request.signal?.aborted) return new AbortError(undefined, { cause: error });
      const detail = redactText(
        error instanceof Error
          ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ""}`
          : String(error),
        [apiKey],
      );
      return new NetworkError(
        `Could not reach ${baseURL} (${detail}). Check KIMI_BASE_URL and your network.`,
        { cause: error },
      );
    };

    this.options.debug?.({
      type: "request",
      method: request.method,
      url,
      headers: redactHeaders(headers, [apiKey]),
      body:
        typeof body === "string" ? redactText(body, [apiKey]) : body ? "[multipart]" : undefined,
    });
    const started = performance.now();
    let response: RawResponse;
    try {
      if (this.#fetch === undefined && typeof body !== "object") {
        const exchange = startNodeHttpRequest(new URL(url), request.method, headers, body);
        interrupt = exchange.destroy;
        response = await exchange.response;
      } else {
        // Multipart uploads and user-supplied fetch functions go through fetch.
        const controller = new AbortController();
        interrupt = () => controller.abort();
        const send = this.#fetch ?? fetch;
        response = fromFetchResponse(
          await send(url, { method: request.method, headers, body, signal: controller.signal }),
        );
      }
    } catch (error) {
      done();
      throw translate(error);
    }
    this.options.debug?.({
      type: "response",
      method: request.method,
      url,
      status: response.status,
      durationMs: Math.round(performance.now() - started),
    });
    if (response.status < 200 || response.status > 299) {
      let text = "";
      try {
        text = await response.text();
      } catch (error) {
        done();
        throw translate(error);
      }
      done();
      throw errorFromResponse(text, {
        status: response.status,
        headers: response.headers,
        secrets: [apiKey],
        model: request.model,
      });
    }
    return {
      response,
      cancel: () => interrupt(),
      done,
      interrupted,
      translateBodyError: translate,
    };
  }
}
