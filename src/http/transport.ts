/**
 * The HTTP transport every part of the library sends through: base URL, bearer auth, per-request
 * timeout, caller cancellation, typed errors, retries with backoff, and redacted debug events.
 * It never follows a redirect, never reads a body past its size limit, and takes the API key out
 * of every error it throws.
 */

import { abortableSleep } from "../async/abortable-sleep.ts";
import {
  AbortError,
  ConfigurationError,
  MalformedResponseError,
  NetworkError,
  RedirectError,
  ResponseTooLargeError,
  TimeoutError,
  timeoutMessage,
} from "../errors/error-classes.ts";
import { errorFromResponse } from "../errors/error-mapping.ts";
import { KimiError } from "../errors/kimi-error.ts";
import { redactError, redactHeaders, redactText } from "../errors/redact.ts";
import { BodyLimitExceeded, declaredLengthOver } from "./body-limit.ts";
import { isLoopbackBaseURL, NO_KEY_PLACEHOLDER } from "./loopback-url.ts";
import { nodeHttpTarget, startNodeHttpRequest } from "./node-http-request.ts";
import {
  fromFetchResponse,
  type HeaderReader,
  type RawResponse,
  responseRequestId,
} from "./raw-response.ts";
import { checkRequestOptions } from "./request-check.ts";
import {
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
  type RetryPredicate,
  retryBeforeFirstByte,
  retryDelayMs,
  waitTooLong,
} from "./retry-policy.ts";

/** The longest delay `setTimeout` honours (a larger one fires after 1 ms). */
const MAX_TIMER_DELAY_MS = 2_147_483_647;

/** Default of {@link TransportOptions.maxResponseBytes}: 64 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** Default of {@link TransportOptions.maxStreamEventBytes}: 8 MiB. */
export const DEFAULT_MAX_STREAM_EVENT_BYTES = 8 * 1024 * 1024;

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
  /** How many retries and how long the waits between them may be. */
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
  /**
   * Largest response body read, in bytes (default 64 MiB), error bodies included; also the most
   * text (in characters) a stream may accumulate. Beyond it: {@link ResponseTooLargeError}, connection dropped.
   */
  maxResponseBytes?: number | undefined;
  /** Largest single server-sent event (or unfinished line) of a stream, in bytes (default 8 MiB). */
  maxStreamEventBytes?: number | undefined;
}

/** One request to send: method, path under the base URL, body, and per-call overrides. */
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
  /** Overrides the number of retries for this request. */
  maxRetries?: number | undefined;
  /**
   * Which failures of this request may be retried (default {@link retryBeforeFirstByte}); e.g.
   * {@link retryServiceRefusals} for an upload, whose lost connection may have stored the file.
   */
  retryWhen?: RetryPredicate | undefined;
  /** Extra headers for this request. */
  headers?: Record<string, string> | undefined;
  /** The model the request is for, to name it in errors. */
  model?: string | undefined;
  /** The file the request is about (an upload, a call on a file id), to name it in errors. */
  file?: { fileId?: string | undefined; label?: string | undefined } | undefined;
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
    this.options = {
      ...options,
      retry: options.retry ?? DEFAULT_RETRY_POLICY,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      maxStreamEventBytes: options.maxStreamEventBytes ?? DEFAULT_MAX_STREAM_EVENT_BYTES,
    };
    this.#fetch = options.fetch;
  }

  /** The body size limit in bytes (see {@link TransportOptions.maxResponseBytes}). */
  get maxResponseBytes(): number {
    return this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  /** The stream event size limit in bytes (see {@link TransportOptions.maxStreamEventBytes}). */
  get maxStreamEventBytes(): number {
    return this.options.maxStreamEventBytes ?? DEFAULT_MAX_STREAM_EVENT_BYTES;
  }

  /**
   * `error` with the API key removed from every string it carries (message, stack, fields, cause
   * chain), whatever produced it: a server may echo the `Authorization` header back.
   */
  redact<E>(error: E): E {
    return redactError(error, [this.options.apiKey]);
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
      // The parser's own message quotes the body: it is redacted along with the error.
      throw this.redact(
        new MalformedResponseError(
          `${request.method} ${request.path} returned a body that is not JSON (${text.length} bytes: ${redactText(text.slice(0, 120), [this.options.apiKey])}). Check KIMI_BASE_URL points at the Moonshot API; retry if the connection was cut.`,
          { cause, status, requestId: responseRequestId(headers) },
        ),
      );
    }
  }

  /** Sends a request and returns the body as text (retries cover reading the body too). */
  async text(request: TransportRequest): Promise<string> {
    return (await this.textResponse(request)).data;
  }

  /** Like {@link text}, keeping the response status and headers. */
  textResponse(request: TransportRequest): Promise<TransportResponse<string> & { text: string }> {
    // Not `async`: returning the retry loop's promise as is saves a promise and its ticks per call.
    return this.#withRetries(request, async () => {
      const open = await this.#send(request);
      try {
        const declared = declaredLengthOver(open.response.headers, this.maxResponseBytes);
        if (declared !== undefined) throw new BodyLimitExceeded(declared);
        const text = await open.response.text(this.maxResponseBytes);
        return {
          data: text,
          text,
          status: open.response.status,
          headers: open.response.headers,
        };
      } catch (error) {
        if (error instanceof BodyLimitExceeded) {
          open.cancel();
          throw this.#tooLarge(request, error, open.response);
        }
        const typed = open.translateBodyError(error);
        // The service already answered (and may have billed) this request: sending it again on
        // a broken body could run it twice, so only failures before the response are retried.
        if (typed instanceof NetworkError && typed.retryable) {
          throw new NetworkError(
            `The connection broke while the response of ${request.method} ${request.path} was being read (${redactText(error instanceof Error ? error.message : String(error), [this.options.apiKey])}). The service may have processed the request, so it was not retried automatically.`,
            { cause: error, status: open.response.status, retryable: false },
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
  open(request: TransportRequest): Promise<OpenResponse> {
    return this.#withRetries(request, () => this.#send(request));
  }

  #tooLarge(
    request: TransportRequest,
    exceeded: BodyLimitExceeded,
    response: RawResponse,
  ): ResponseTooLargeError {
    const limit = this.maxResponseBytes;
    return new ResponseTooLargeError(
      `The response to ${request.method} ${request.path} is larger than the ${limit}-byte limit (${exceeded.bytes} bytes received or declared), so it was not read and the connection was dropped. Raise \`maxResponseBytes\` (KIMI_MAX_RESPONSE_BYTES) if the answer is genuinely this large; otherwise check KIMI_BASE_URL points at the Moonshot API.`,
      {
        limitBytes: limit,
        setting: "maxResponseBytes",
        status: response.status,
        requestId: responseRequestId(response.headers),
      },
    );
  }

  async #withRetries<T>(request: TransportRequest, attempt: () => Promise<T>): Promise<T> {
    // Wrong per-call options are the caller's mistake: refused before any attempt, never retried.
    checkRequestOptions(request);
    const policy = this.options.retry;
    const maxRetries = request.maxRetries ?? policy.maxRetries;
    const mayRetry = request.retryWhen ?? retryBeforeFirstByte;
    for (let attemptNumber = 0; ; attemptNumber++) {
      try {
        return await attempt();
      } catch (error) {
        const typed = this.redact(
          error instanceof KimiError
            ? error
            : new NetworkError(`Request failed: ${String(error)}`, { cause: error }),
        );
        if (!mayRetry(typed) || attemptNumber >= maxRetries || request.signal?.aborted) {
          throw typed;
        }
        if (typed.retryAfterMs !== undefined && typed.retryAfterMs > policy.maxDelayMs) {
          // Waiting less than the service asked for would only be refused again.
          throw waitTooLong(typed, policy.maxDelayMs);
        }
        const delayMs = retryDelayMs(attemptNumber + 1, typed, policy);
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
    const { baseURL } = this.options;
    // Keyless use of a local emulator or gateway: a placeholder bearer (src/http/loopback-url.ts).
    const apiKey =
      this.options.apiKey || (isLoopbackBaseURL(baseURL) ? NO_KEY_PLACEHOLDER : undefined);
    if (!apiKey) {
      throw new ConfigurationError(
        "No API key: set KIMI_API_KEY (or pass `apiKey` to createKimi) before sending requests. To work without a key, run the local emulator (`kimi-provider emulator`, or `startEmulator()` from kimi-provider/emulator) and set KIMI_BASE_URL=http://127.0.0.1:8787/v1 (its baseURL): a loopback base URL needs no key.",
        { setting: "KIMI_API_KEY" },
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
      if (timedOut) return new TimeoutError(timeoutMessage(timeoutMs), { timeoutMs, cause: error });
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
        const exchange = startNodeHttpRequest(
          nodeHttpTarget(baseURL),
          request.path,
          request.method,
          headers,
          body,
        );
        interrupt = exchange.destroy;
        response = await exchange.response;
      } else {
        // Multipart uploads and user-supplied fetch functions go through fetch. `redirect:
        // "manual"`: fetch would otherwise follow a 307/308 by re-sending the body (an uploaded
        // document) to wherever the server points, and a 301/302 by fetching some other page.
        const controller = new AbortController();
        interrupt = () => controller.abort();
        const send = this.#fetch ?? fetch;
        const fetched = await send(url, {
          method: request.method,
          headers,
          body,
          signal: controller.signal,
          redirect: "manual",
        });
        if (fetched.redirected) {
          // A custom fetch ignored `redirect: "manual"`: its answer came from another URL.
          interrupt();
          throw new RedirectError(
            `${request.method} ${request.path} was redirected to ${redactText(fetched.url, [apiKey])} by the custom \`fetch\`, which followed it although API calls must not follow redirects; the answer from there was not used. Set KIMI_BASE_URL to the final URL, and make the custom fetch honour \`redirect: "manual"\`.`,
            { location: redactText(fetched.url, [apiKey]) },
          );
        }
        response = fromFetchResponse(fetched);
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
    if (response.status >= 300 && response.status <= 399) {
      // Never followed (node:http does not, fetch is told not to): re-sending a request to
      // another host is not the library's call, and a redirect's target is not the API.
      interrupt();
      done();
      const location = response.headers.get("location");
      const shown = location === null ? undefined : redactText(location, [apiKey]);
      throw new RedirectError(
        `${baseURL} answered ${request.method} ${request.path} with a redirect (HTTP ${response.status}${shown === undefined ? "" : ` to ${shown}`}). API calls do not follow redirects, so nothing was sent there. Set KIMI_BASE_URL to the final URL of the API${shown === undefined ? "" : " (where the redirect points, without the endpoint path)"}.`,
        {
          location: shown,
          status: response.status,
          requestId: responseRequestId(response.headers),
        },
      );
    }
    if (response.status < 200 || response.status > 299) {
      let text = "";
      try {
        const declared = declaredLengthOver(response.headers, this.maxResponseBytes);
        if (declared !== undefined) throw new BodyLimitExceeded(declared);
        text = await response.text(this.maxResponseBytes);
      } catch (error) {
        done();
        if (error instanceof BodyLimitExceeded) {
          interrupt();
          throw this.#tooLarge(request, error, response);
        }
        throw translate(error);
      }
      done();
      throw errorFromResponse(text, {
        status: response.status,
        requestId: responseRequestId(response.headers),
        retryAfter: response.headers.get("retry-after"),
        secrets: [apiKey],
        model: request.model,
        file:
          request.file === undefined
            ? undefined
            : { ...request.file, baseURL, local: isLoopbackBaseURL(baseURL) },
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
