/**
 * The error hierarchy of kimi-provider.
 *
 * Every failure the library reports is a {@link KimiError}. Each subclass has a stable
 * {@link KimiError.code} (ours, safe to switch on), the HTTP `status` when the service answered,
 * Moonshot's error `type` when it sent one (reference §5), whether retrying can help, and a
 * message that says what happened and what to do. Messages never contain the API key.
 */

/** Stable, library-defined error codes. */
export type KimiErrorCode =
  | "configuration_error"
  | "authentication_failed"
  | "permission_denied"
  | "not_found"
  | "model_not_found"
  | "invalid_request"
  | "context_overflow"
  | "content_filter"
  | "rate_limited"
  | "quota_exceeded"
  | "overloaded"
  | "server_error"
  | "network_error"
  | "timeout"
  | "aborted"
  | "stream_truncated"
  | "malformed_response"
  | "response_too_large"
  | "unexpected_redirect"
  | "invalid_tool_arguments"
  | "invalid_file"
  | "file_limit_exceeded"
  | "file_extraction_failed"
  | "budget_exceeded"
  | "structured_output_invalid"
  | "state_corrupt"
  | "state_unwritable"
  | "state_busy";

/** Fields every {@link KimiError} constructor accepts. */
export interface KimiErrorOptions {
  /** HTTP status the service answered with, if any. */
  status?: number;
  /** Moonshot's `error.type` (e.g. `rate_limit_reached_error`), if the service sent one. */
  type?: string;
  /** `Msh-Request-Id` / `x-trace-id` of the failed response, to quote to Moonshot support. */
  requestId?: string;
  /** The underlying error (network failure, parse error...). */
  cause?: unknown;
  /** The error response's body as received, secrets redacted, when the service answered. */
  responseBody?: string;
  /** The service's own error message, secrets redacted, when it answered with one. */
  serviceMessage?: string;
}

/** Base class of every error thrown by kimi-provider. */
export class KimiError extends Error {
  /** Stable library error code. */
  readonly code: KimiErrorCode;
  /** HTTP status, when the service answered. */
  readonly status: number | undefined;
  /** Moonshot's error `type`, when the service sent one. */
  readonly type: string | undefined;
  /** Request id reported by the service, if any. */
  readonly requestId: string | undefined;
  /** Whether the same request may succeed if sent again later. */
  readonly retryable: boolean;
  /**
   * The service's error body as received (API key redacted), when it answered with one; kept
   * for adapters that report the raw body (the AI SDK's `APICallError.responseBody`).
   */
  readonly responseBody: string | undefined;
  /**
   * The service's own message (secrets redacted), verbatim, when it answered with an error body;
   * `message` says the same in our words, with what to do. A proxy that relays the error (the
   * gateway) keeps both.
   */
  readonly serviceMessage: string | undefined;

  constructor(
    code: KimiErrorCode,
    message: string,
    retryable: boolean,
    options: KimiErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status;
    this.type = options.type;
    this.requestId = options.requestId;
    this.retryable = retryable;
    this.responseBody = options.responseBody;
    this.serviceMessage = options.serviceMessage;
  }

  /** A plain-object view for logs and `--json` output (never includes secrets). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      status: this.status,
      type: this.type,
      requestId: this.requestId,
      retryable: this.retryable,
      message: this.message,
    };
  }
}

/** A setting (environment variable or option) is missing or invalid; nothing was sent. */
export class ConfigurationError extends KimiError {
  /** The variable or option at fault, e.g. `KIMI_TEMPERATURE`. */
  readonly setting: string;
  constructor(setting: string, message: string) {
    super("configuration_error", message, false);
    this.setting = setting;
  }
}

/** 401: the key was refused (`invalid_authentication_error`, `incorrect_api_key_error`). */
export class AuthenticationError extends KimiError {
  constructor(message: string, options: KimiErrorOptions = {}) {
    super("authentication_failed", message, false, options);
  }
}

/** 403 `permission_denied_error`: the key may not use this API. */
export class PermissionDeniedError extends KimiError {
  constructor(message: string, options: KimiErrorOptions = {}) {
    super("permission_denied", message, false, options);
  }
}

/** 404 `resource_not_found_error` for anything but a model (e.g. a file id). */
export class NotFoundError extends KimiError {
  constructor(message: string, options: KimiErrorOptions = {}, code: KimiErrorCode = "not_found") {
    super(code, message, false, options);
  }
}

/** What the model registry knows about a retired model, attached to its 404. */
export interface ModelRetirement {
  /** Day (YYYY-MM-DD) Moonshot stopped serving the model. */
  retiredOn: string;
  /** The online model that replaces it, when the catalog names one. */
  successor: string | undefined;
}

/** 404 for a model the account cannot use (unknown, retired, or not enabled). */
export class ModelNotFoundError extends NotFoundError {
  /** The model id the service did not find. */
  readonly model: string | undefined;
  /** For a model the registry marks retired: the day it was retired; else `undefined`. */
  readonly retiredOn: string | undefined;
  /** For a retired model: the successor the registry names; else `undefined`. */
  readonly successor: string | undefined;
  constructor(
    message: string,
    model: string | undefined,
    options: KimiErrorOptions = {},
    retirement?: ModelRetirement,
  ) {
    super(message, options, "model_not_found");
    this.model = model;
    this.retiredOn = retirement?.retiredOn;
    this.successor = retirement?.successor;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      model: this.model,
      ...(this.retiredOn === undefined
        ? {}
        : { retiredOn: this.retiredOn, successor: this.successor }),
    };
  }
}

/** 400 `invalid_request_error`, or a request the library refused before sending it. */
export class InvalidRequestError extends KimiError {
  constructor(
    message: string,
    options: KimiErrorOptions = {},
    code: KimiErrorCode = "invalid_request",
  ) {
    super(code, message, false, options);
  }
}

/** The prompt plus the requested output does not fit the model's context window. */
export class ContextOverflowError extends InvalidRequestError {
  /** The model's context window in tokens, when known. */
  readonly limit: number | undefined;
  /** Tokens the request asked for (prompt + max tokens), when known. */
  readonly requested: number | undefined;
  constructor(
    message: string,
    details: { limit?: number; requested?: number },
    options: KimiErrorOptions = {},
  ) {
    super(message, options, "context_overflow");
    this.limit = details.limit;
    this.requested = details.requested;
  }
  /** How many tokens over the limit the request was, when both numbers are known. */
  get overflow(): number | undefined {
    return this.limit !== undefined && this.requested !== undefined
      ? this.requested - this.limit
      : undefined;
  }
}

/** 400 `content_filter`: the input or the model's output was judged high risk. */
export class ContentFilterError extends KimiError {
  constructor(message: string, options: KimiErrorOptions = {}) {
    super("content_filter", message, false, options);
  }
}

/** 429 `rate_limit_reached_error`: concurrency, RPM, TPM or TPD limit. Retryable. */
export class RateLimitError extends KimiError {
  /** How long the service asked us to wait, in milliseconds, when it said. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryAfterMs: number | undefined, options: KimiErrorOptions = {}) {
    super("rate_limited", message, true, options);
    this.retryAfterMs = retryAfterMs;
  }
}

/** 429/403 `exceeded_current_quota_error`: balance exhausted or account suspended. Not retried. */
export class QuotaExceededError extends KimiError {
  constructor(message: string, options: KimiErrorOptions = {}) {
    super("quota_exceeded", message, false, options);
  }
}

/** 429 `engine_overloaded_error`: the service is busy. Retryable. */
export class OverloadedError extends KimiError {
  /** Wait the service asked for, in milliseconds, when it said. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryAfterMs: number | undefined, options: KimiErrorOptions = {}) {
    super("overloaded", message, true, options);
    this.retryAfterMs = retryAfterMs;
  }
}

/** 5xx from the service. Retryable. */
export class ServerError extends KimiError {
  /** Wait the service asked for (a `Retry-After` header on a 503), in milliseconds, if any. */
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    options: KimiErrorOptions = {},
    code: KimiErrorCode = "server_error",
    retryAfterMs?: number,
  ) {
    super(code, message, code === "server_error", options);
    this.retryAfterMs = retryAfterMs;
  }
}

/** The connection failed (DNS, refused, reset) before a response arrived. */
export class NetworkError extends KimiError {
  constructor(message: string, options: KimiErrorOptions = {}, retryable = true) {
    super("network_error", message, retryable, options);
  }
}

/**
 * The request took longer than its timeout. Not retried: the same request would most likely take
 * as long again, multiplying the wait (raise the timeout or stream instead).
 */
export class TimeoutError extends KimiError {
  /** The timeout that was exceeded, in milliseconds. */
  readonly timeoutMs: number;
  /**
   * Text a stream had delivered before the timeout cut it (partial-mode prefix included, like
   * `result.content`); `undefined` when the request was not a stream or no answer had started.
   */
  readonly partialContent: string | undefined;
  constructor(timeoutMs: number, options: KimiErrorOptions = {}, partialContent?: string) {
    super(
      "timeout",
      `The request did not complete within ${timeoutMs} ms. Raise \`timeoutMs\` (or KIMI_TIMEOUT_MS) for long answers, or stream them.${partialContent === undefined ? "" : " The text received before the timeout is on `partialContent`."}`,
      false,
      options,
    );
    this.timeoutMs = timeoutMs;
    this.partialContent = partialContent;
  }
}

/** The caller aborted the request through its `AbortSignal`. */
export class AbortError extends KimiError {
  /**
   * Text a stream had delivered before the caller aborted it (partial-mode prefix included);
   * `undefined` when the request was not a stream or no answer had started.
   */
  readonly partialContent: string | undefined;
  constructor(
    message = "The request was aborted by the caller.",
    options: KimiErrorOptions = {},
    partialContent?: string,
  ) {
    super("aborted", message, false, options);
    this.partialContent = partialContent;
  }
}

/** A stream ended (connection closed) before `data: [DONE]`; the partial answer is attached. */
export class StreamTruncatedError extends KimiError {
  /** Text received before the stream broke. */
  readonly partialContent: string;
  constructor(message: string, partialContent: string, options: KimiErrorOptions = {}) {
    super("stream_truncated", message, false, options);
    this.partialContent = partialContent;
  }
}

/** The service sent something that is not the documented shape (bad JSON, bad SSE event). */
export class MalformedResponseError extends KimiError {
  constructor(message: string, options: KimiErrorOptions = {}) {
    super("malformed_response", message, false, options);
  }
}

/**
 * The response (or one event of a stream) is larger than the client accepts: `maxResponseBytes`
 * for a whole body or a stream's accumulated text, `maxStreamEventBytes` for one SSE event. The
 * request was torn down when the limit was crossed, so memory stays bounded. Not retried: the
 * same request would get the same answer.
 */
export class ResponseTooLargeError extends KimiError {
  /** The limit that was exceeded, in bytes. */
  readonly limitBytes: number;
  /** The setting that holds the limit: `maxResponseBytes` or `maxStreamEventBytes`. */
  readonly setting: "maxResponseBytes" | "maxStreamEventBytes";
  constructor(
    message: string,
    details: { limitBytes: number; setting: "maxResponseBytes" | "maxStreamEventBytes" },
    options: KimiErrorOptions = {},
  ) {
    super("response_too_large", message, false, options);
    this.limitBytes = details.limitBytes;
    this.setting = details.setting;
  }
}

/**
 * The server answered with a redirect (3xx), or a custom `fetch` followed one. API calls never
 * follow redirects: re-sending a request (an upload, with its document) to another host is not
 * something the library does behind the caller's back. Set KIMI_BASE_URL to the final URL.
 */
export class RedirectError extends KimiError {
  /** The `Location` the server redirected to (redacted), when it sent one. */
  readonly location: string | undefined;
  constructor(message: string, location: string | undefined, options: KimiErrorOptions = {}) {
    super("unexpected_redirect", message, false, options);
    this.location = location;
  }
}

/** The model's tool-call arguments are not valid JSON or do not match the tool's schema. */
export class ToolArgumentsError extends KimiError {
  /** Name of the tool the model called. */
  readonly toolName: string;
  /** The raw `arguments` string the model produced. */
  readonly rawArguments: string;
  constructor(toolName: string, rawArguments: string, message: string) {
    super("invalid_tool_arguments", message, false);
    this.toolName = toolName;
    this.rawArguments = rawArguments;
  }
}

/** A file failed a check (missing, empty, too large, unknown purpose) before upload. */
export class FileValidationError extends KimiError {
  /** The path or name of the file at fault. */
  readonly file: string;
  constructor(file: string, message: string) {
    super("invalid_file", message, false);
    this.file = file;
  }
}

/** A budget (tokens or USD) given to a tool loop was reached. */
export class BudgetExceededError extends KimiError {
  constructor(message: string) {
    super("budget_exceeded", message, false);
  }
}

/** What went wrong with the local state (see {@link StateError}). */
export type StateErrorCode = "state_corrupt" | "state_unwritable" | "state_busy";

/**
 * The local state (the database under the state directory holding the uploaded-file registry and
 * the CLI's usage ledger, or a legacy JSON file being imported into it) cannot be used: it is
 * damaged (`state_corrupt`), cannot be created or written (`state_unwritable`), or stayed locked
 * by other processes longer than the wait allowed (`state_busy`, the only retryable one). The
 * message names the file and the fix; nothing in the state was discarded.
 */
export class StateError extends KimiError {
  /** Which of the state problems this is. */
  declare readonly code: StateErrorCode;
  /** The file or directory at fault. */
  readonly path: string;
  constructor(code: StateErrorCode, path: string, message: string, options: KimiErrorOptions = {}) {
    super(code, message, code === "state_busy", options);
    this.path = path;
  }
}
