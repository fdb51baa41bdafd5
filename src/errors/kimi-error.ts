/**
 * The base class of every error kimi-provider throws.
 *
 * Each subclass (in `error-classes.ts`) fixes a stable {@link KimiError.code} (ours, safe to
 * switch on) and whether retrying can help; every instance carries the HTTP `status` when the
 * service answered, Moonshot's error `type` when it sent one (docs/moonshot-wire.md, "Errors"),
 * the wait the service asked for, and a message that says what happened and what to do. Messages
 * never contain the API key.
 */

/** Stable, library-defined error codes; the README's error table lists the class of each. */
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

/**
 * The second argument of every error constructor: what is known about the failure. Subclasses
 * add their own fields (the `setting` of a {@link ConfigurationError}, the `model` of a
 * `ModelNotFoundError`, ...) to this one object.
 */
export interface KimiErrorOptions {
  /** HTTP status the service answered with, if any. */
  status?: number | undefined;
  /** Moonshot's `error.type` (e.g. `rate_limit_reached_error`), if the service sent one. */
  type?: string | undefined;
  /** `Msh-Request-Id` / trace id of the failed response, to quote to Moonshot support. */
  requestId?: string | undefined;
  /** The underlying error (network failure, parse error, the service's generic error...). */
  cause?: unknown;
  /** The wait the service asked for before a new attempt, in milliseconds, when it named one. */
  retryAfterMs?: number | undefined;
  /** The error response's body as received, secrets redacted, when the service answered. */
  responseBody?: string | undefined;
  /** The service's own error message, secrets redacted, when it answered with one. */
  serviceMessage?: string | undefined;
  /**
   * Overrides the class's default {@link KimiError.retryable}: a network failure after the
   * service may have processed the request is not retried, though network failures usually are.
   */
  retryable?: boolean | undefined;
}

/** What a subclass states about all its instances (static fields). */
interface ErrorClassDefaults {
  readonly code?: KimiErrorCode;
  readonly retryable?: boolean;
}

/**
 * Base class of every error thrown by kimi-provider: catch it to handle any library failure,
 * then switch on {@link KimiError.code}. Not thrown itself; its subclasses are.
 */
export class KimiError extends Error {
  /** Whether errors of this class may succeed when sent again later (overridable per instance). */
  static readonly retryable: boolean = false;

  /** Stable library error code: which failure this is, independent of the message wording. */
  readonly code: KimiErrorCode;
  /** HTTP status, when the service answered. */
  readonly status: number | undefined;
  /** Moonshot's error `type`, when the service sent one. */
  readonly type: string | undefined;
  /** Request id reported by the service, if any, to quote to Moonshot support. */
  readonly requestId: string | undefined;
  /** Whether the same request may succeed if sent again later. */
  readonly retryable: boolean;
  /**
   * How long the service asked to wait before a new attempt, in milliseconds (a `Retry-After`
   * header, or the wait written into a rate-limit message), when it said; else `undefined`.
   */
  readonly retryAfterMs: number | undefined;
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

  constructor(message: string, options: KimiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const defaults = new.target as ErrorClassDefaults;
    this.name = new.target.name;
    // Every concrete class states its code; a bare KimiError is a server-side failure.
    this.code = defaults.code ?? "server_error";
    this.status = options.status;
    this.type = options.type;
    this.requestId = options.requestId;
    this.retryable = options.retryable ?? defaults.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
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
