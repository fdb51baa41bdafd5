/**
 * The error classes of kimi-provider, one per failure a caller may handle differently. Each fixes
 * its stable `code` and whether retrying can help (static fields, read by {@link KimiError}), and
 * every constructor has one shape: `(message, { status, type, requestId, cause, retryAfterMs,
 * ...the class's own fields })`. The README's error table lists them one to one.
 */
import { KimiError, type KimiErrorCode, type KimiErrorOptions } from "./kimi-error.ts";

/** Options of {@link ConfigurationError}. */
export interface ConfigurationErrorOptions extends KimiErrorOptions {
  /** The variable or option at fault, e.g. `KIMI_TEMPERATURE`. */
  setting: string;
}

/** A setting (environment variable or option) is missing or invalid; nothing was sent. */
export class ConfigurationError extends KimiError {
  /** Code of every {@link ConfigurationError}. */
  static readonly code = "configuration_error";
  /** The variable or option at fault, e.g. `KIMI_TEMPERATURE`. */
  readonly setting: string;
  constructor(message: string, options: ConfigurationErrorOptions) {
    super(message, options);
    this.setting = options.setting;
  }
}

/** 401: the key was refused (`invalid_authentication_error`, `incorrect_api_key_error`). */
export class AuthenticationError extends KimiError {
  /** Code of every {@link AuthenticationError}. */
  static readonly code = "authentication_failed";
}

/** 403 `permission_denied_error`: the key may not use this API. */
export class PermissionDeniedError extends KimiError {
  /** Code of every {@link PermissionDeniedError}. */
  static readonly code = "permission_denied";
}

/** 404 `resource_not_found_error` for anything but a model (e.g. a file id). */
export class NotFoundError extends KimiError {
  /** Code of every {@link NotFoundError} that is not a {@link ModelNotFoundError}. */
  static readonly code: KimiErrorCode = "not_found";
}

/** What the model registry knows about a retired model, attached to its 404. */
export interface ModelRetirement {
  /** Day (YYYY-MM-DD) Moonshot stopped serving the model. */
  retiredOn: string;
  /** The online model that replaces it, when the catalog names one. */
  successor: string | undefined;
}

/** Options of {@link ModelNotFoundError}. */
export interface ModelNotFoundErrorOptions extends KimiErrorOptions {
  /** The model id the service did not find. */
  model: string | undefined;
  /** For a model the registry marks retired: when, and its successor. */
  retirement?: ModelRetirement | undefined;
}

/** 404 for a model the account cannot use (unknown, retired, or not enabled). */
export class ModelNotFoundError extends NotFoundError {
  /** Code of every {@link ModelNotFoundError}. */
  static override readonly code: KimiErrorCode = "model_not_found";
  /** The model id the service did not find. */
  readonly model: string | undefined;
  /** For a model the registry marks retired: the day it was retired; else `undefined`. */
  readonly retiredOn: string | undefined;
  /** For a retired model: the successor the registry names; else `undefined`. */
  readonly successor: string | undefined;
  constructor(message: string, options: ModelNotFoundErrorOptions) {
    super(message, options);
    this.model = options.model;
    this.retiredOn = options.retirement?.retiredOn;
    this.successor = options.retirement?.successor;
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
  /** Code of every {@link InvalidRequestError} without a more specific subclass. */
  static readonly code: KimiErrorCode = "invalid_request";
}

/** Options of {@link ContextOverflowError}. */
export interface ContextOverflowErrorOptions extends KimiErrorOptions {
  /** The model's context window in tokens, when known. */
  limit?: number | undefined;
  /** Tokens the request asked for (prompt + max tokens), when known. */
  requested?: number | undefined;
}

/** The prompt plus the requested output does not fit the model's context window. */
export class ContextOverflowError extends InvalidRequestError {
  /** Code of every {@link ContextOverflowError}. */
  static override readonly code: KimiErrorCode = "context_overflow";
  /** The model's context window in tokens, when known. */
  readonly limit: number | undefined;
  /** Tokens the request asked for (prompt + max tokens), when known. */
  readonly requested: number | undefined;
  constructor(message: string, options: ContextOverflowErrorOptions = {}) {
    super(message, options);
    this.limit = options.limit;
    this.requested = options.requested;
  }
  /** How many tokens over the limit the request was, when both numbers are known. */
  get overflow(): number | undefined {
    return this.limit !== undefined && this.requested !== undefined
      ? this.requested - this.limit
      : undefined;
  }
}

/**
 * The service refused a file: the account holds its maximum number of files, or the file is
 * empty or too large. Not retried: the same upload would be refused again.
 */
export class FileLimitError extends InvalidRequestError {
  /** Code of every {@link FileLimitError}. */
  static override readonly code: KimiErrorCode = "file_limit_exceeded";
}

/** 400 `content_filter`: the input or the model's output was judged high risk. */
export class ContentFilterError extends KimiError {
  /** Code of every {@link ContentFilterError}. */
  static readonly code = "content_filter";
}

/** 429 `rate_limit_reached_error`: concurrency, RPM, TPM or TPD limit. Retryable. */
export class RateLimitError extends KimiError {
  /** Code of every {@link RateLimitError}. */
  static readonly code = "rate_limited";
  static override readonly retryable = true;
}

/** 429/403 `exceeded_current_quota_error`: balance exhausted or account suspended. Not retried. */
export class QuotaExceededError extends KimiError {
  /** Code of every {@link QuotaExceededError}. */
  static readonly code = "quota_exceeded";
}

/** 429 `engine_overloaded_error`: the service is busy. Retryable. */
export class OverloadedError extends KimiError {
  /** Code of every {@link OverloadedError}. */
  static readonly code = "overloaded";
  static override readonly retryable = true;
}

/** 5xx from the service. Retryable; `retryAfterMs` holds a `Retry-After` header's wait. */
export class ServerError extends KimiError {
  /** Code of every {@link ServerError} without a more specific subclass. */
  static readonly code: KimiErrorCode = "server_error";
  static override readonly retryable: boolean = true;
}

/**
 * The service could not extract text from an uploaded file (a 5xx naming the extraction). Not
 * retried: the same file fails the same way.
 */
export class FileExtractionError extends ServerError {
  /** Code of every {@link FileExtractionError}. */
  static override readonly code: KimiErrorCode = "file_extraction_failed";
  static override readonly retryable: boolean = false;
}

/**
 * The connection failed (DNS, refused, reset) before a response arrived: retryable. A connection
 * that broke after the service may have processed the request is not (`retryable: false`).
 */
export class NetworkError extends KimiError {
  /** Code of every {@link NetworkError}. */
  static readonly code = "network_error";
  static override readonly retryable = true;
}

/** Options of {@link TimeoutError}. */
export interface TimeoutErrorOptions extends KimiErrorOptions {
  /** The timeout that was exceeded, in milliseconds. */
  timeoutMs: number;
  /** Text a stream had delivered before the timeout cut it. */
  partialContent?: string | undefined;
}

/** The message of a {@link TimeoutError}: the limit, the fix, and where partial text is. */
export function timeoutMessage(timeoutMs: number, partialContent?: string): string {
  return `The request did not complete within ${timeoutMs} ms. Raise \`timeoutMs\` (or KIMI_TIMEOUT_MS) for long answers, or stream them.${partialContent === undefined ? "" : " The text received before the timeout is on `partialContent`."}`;
}

/**
 * The request took longer than its timeout. Not retried: the same request would most likely take
 * as long again, multiplying the wait (raise the timeout or stream instead).
 */
export class TimeoutError extends KimiError {
  /** Code of every {@link TimeoutError}. */
  static readonly code = "timeout";
  /** The timeout that was exceeded, in milliseconds. */
  readonly timeoutMs: number;
  /**
   * Text a stream had delivered before the timeout cut it (partial-mode prefix included, like
   * `result.content`); `undefined` when the request was not a stream or no answer had started.
   */
  readonly partialContent: string | undefined;
  constructor(message: string, options: TimeoutErrorOptions) {
    super(message, options);
    this.timeoutMs = options.timeoutMs;
    this.partialContent = options.partialContent;
  }
}

/** Options of {@link AbortError} and {@link StreamTruncatedError}. */
export interface PartialContentOptions extends KimiErrorOptions {
  /** Text a stream had delivered before it stopped (partial-mode prefix included). */
  partialContent?: string | undefined;
}

/** The caller aborted the request through its `AbortSignal` (or left a `for await` loop early). */
export class AbortError extends KimiError {
  /** Code of every {@link AbortError}. */
  static readonly code = "aborted";
  /**
   * Text a stream had delivered before the caller aborted it (partial-mode prefix included);
   * `undefined` when the request was not a stream or no answer had started.
   */
  readonly partialContent: string | undefined;
  constructor(
    message = "The request was aborted by the caller.",
    options: PartialContentOptions = {},
  ) {
    super(message, options);
    this.partialContent = options.partialContent;
  }
}

/** A stream ended (connection closed) before `data: [DONE]`; the partial answer is attached. */
export class StreamTruncatedError extends KimiError {
  /** Code of every {@link StreamTruncatedError}. */
  static readonly code = "stream_truncated";
  /** Text received before the stream broke. */
  readonly partialContent: string;
  constructor(message: string, options: PartialContentOptions & { partialContent: string }) {
    super(message, options);
    this.partialContent = options.partialContent;
  }
}

/** The service sent something that is not the documented shape (bad JSON, bad SSE event). */
export class MalformedResponseError extends KimiError {
  /** Code of every {@link MalformedResponseError}. */
  static readonly code = "malformed_response";
}

/** Options of {@link ResponseTooLargeError}. */
export interface ResponseTooLargeErrorOptions extends KimiErrorOptions {
  /** The limit that was exceeded, in bytes. */
  limitBytes: number;
  /** The setting that holds the limit. */
  setting: "maxResponseBytes" | "maxStreamEventBytes";
}

/**
 * The response (or one event of a stream) is larger than the client accepts: `maxResponseBytes`
 * for a whole body or a stream's accumulated text, `maxStreamEventBytes` for one SSE event. The
 * request was torn down when the limit was crossed, so memory stays bounded. Not retried: the
 * same request would get the same answer.
 */
export class ResponseTooLargeError extends KimiError {
  /** Code of every {@link ResponseTooLargeError}. */
  static readonly code = "response_too_large";
  /** The limit that was exceeded, in bytes. */
  readonly limitBytes: number;
  /** The setting that holds the limit: `maxResponseBytes` or `maxStreamEventBytes`. */
  readonly setting: "maxResponseBytes" | "maxStreamEventBytes";
  constructor(message: string, options: ResponseTooLargeErrorOptions) {
    super(message, options);
    this.limitBytes = options.limitBytes;
    this.setting = options.setting;
  }
}

/**
 * The server answered with a redirect (3xx), or a custom `fetch` followed one. API calls never
 * follow redirects: re-sending a request (an upload, with its document) to another host is not
 * something the library does behind the caller's back. Set KIMI_BASE_URL to the final URL.
 */
export class RedirectError extends KimiError {
  /** Code of every {@link RedirectError}. */
  static readonly code = "unexpected_redirect";
  /** The `Location` the server redirected to (redacted), when it sent one. */
  readonly location: string | undefined;
  constructor(message: string, options: KimiErrorOptions & { location: string | undefined }) {
    super(message, options);
    this.location = options.location;
  }
}

/** Options of {@link ToolArgumentsError}. */
export interface ToolArgumentsErrorOptions extends KimiErrorOptions {
  /** Name of the tool the model called. */
  toolName: string;
  /** The raw `arguments` string the model produced. */
  rawArguments: string;
}

/** The model's tool-call arguments are not valid JSON or do not match the tool's schema. */
export class ToolArgumentsError extends KimiError {
  /** Code of every {@link ToolArgumentsError}. */
  static readonly code = "invalid_tool_arguments";
  /** Name of the tool the model called. */
  readonly toolName: string;
  /** The raw `arguments` string the model produced. */
  readonly rawArguments: string;
  constructor(message: string, options: ToolArgumentsErrorOptions) {
    super(message, options);
    this.toolName = options.toolName;
    this.rawArguments = options.rawArguments;
  }
}

/** A file failed a check (missing, empty, too large, unknown purpose) before upload. */
export class FileValidationError extends KimiError {
  /** Code of every {@link FileValidationError}. */
  static readonly code = "invalid_file";
  /** The path or name of the file at fault. */
  readonly file: string;
  constructor(message: string, options: KimiErrorOptions & { file: string }) {
    super(message, options);
    this.file = options.file;
  }
}

/** A budget (tokens or USD) given to a tool loop or an MCP session was reached. */
export class BudgetExceededError extends KimiError {
  /** Code of every {@link BudgetExceededError}. */
  static readonly code = "budget_exceeded";
}

/** What went wrong with the local state (see {@link StateError}). */
export type StateErrorCode = "state_corrupt" | "state_unwritable" | "state_busy";

/** Options of {@link StateError}. */
export interface StateErrorOptions extends KimiErrorOptions {
  /** Which of the state problems this is. */
  code: StateErrorCode;
  /** The file or directory at fault. */
  path: string;
}

/**
 * The local state (the database under the state directory holding the uploaded-file registry and
 * the CLI's usage ledger, or a legacy JSON file being imported into it) cannot be used: it is
 * damaged (`state_corrupt`), cannot be created or written (`state_unwritable`), or stayed locked
 * by other processes longer than the wait allowed (`state_busy`, the only retryable one). The
 * message names the file and the fix; nothing in the state was discarded.
 */
export class StateError extends KimiError {
  /** The codes a {@link StateError} may carry (its `code` says which). */
  static readonly codes: readonly StateErrorCode[] = [
    "state_corrupt",
    "state_unwritable",
    "state_busy",
  ];
  /** Which of the state problems this is. */
  declare readonly code: StateErrorCode;
  /** The file or directory at fault. */
  readonly path: string;
  constructor(message: string, options: StateErrorOptions) {
    super(message, { ...options, retryable: options.retryable ?? options.code === "state_busy" });
    this.code = options.code;
    this.path = options.path;
  }
}
