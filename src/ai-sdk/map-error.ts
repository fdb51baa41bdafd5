/**
 * The library's typed errors as the AI SDK's `APICallError`, with the typed error as `cause`, so
 * code written for either style can branch on a failure (`APICallError.isInstance(error)` and
 * `error.cause instanceof RateLimitError`). Messages come from the library, which never puts the
 * API key in one; the response body is the service's, with the key redacted.
 *
 * Retries happen once, in the library's client (it honours the wait Moonshot writes into a 429
 * message). So that the AI SDK does not retry the same failure again (its `maxRetries` defaults
 * to 2, which would multiply the attempts), `isRetryable` is `false` whenever the client already
 * had retries to spend. With `maxRetries: 0` on the provider, retrying is left to the AI SDK:
 * `isRetryable` is the error's own verdict and `responseHeaders` carries `retry-after-ms` with
 * the wait the service asked for, which the AI SDK's backoff reads.
 */
import { APICallError } from "@ai-sdk/provider";
import { AbortError, KimiError } from "kimi-provider";

/** What the error mapping needs to know about the failed call. */
export interface ErrorContext {
  /** The endpoint, for `APICallError.url`. */
  url: string;
  /** The request as given to the client (no key in it). */
  requestBody: unknown;
  /** Retries the client itself makes (its `maxRetries`). */
  clientRetries: number;
}

/**
 * Maps a failure of the client to what the AI SDK expects. A caller's abort stays the library's
 * `AbortError` (its name lets the AI SDK recognise an abort); errors that are not the library's
 * (programming errors, argument checks) pass through unchanged.
 */
export function toAiSdkError(error: unknown, context: ErrorContext): unknown {
  if (!(error instanceof KimiError) || error instanceof AbortError) return error;
  const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
  const headers: Record<string, string> = {};
  if (typeof retryAfterMs === "number") headers["retry-after-ms"] = String(retryAfterMs);
  if (error.requestId !== undefined) headers["msh-request-id"] = error.requestId;
  return new APICallError({
    message: error.message,
    url: context.url,
    requestBodyValues: context.requestBody,
    ...(error.status !== undefined ? { statusCode: error.status } : {}),
    ...(Object.keys(headers).length > 0 ? { responseHeaders: headers } : {}),
    ...(error.responseBody !== undefined ? { responseBody: error.responseBody } : {}),
    cause: error,
    isRetryable: context.clientRetries === 0 && error.retryable,
    data: error.toJSON(),
  });
}
