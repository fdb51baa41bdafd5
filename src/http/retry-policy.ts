/**
 * When and how long to wait before retrying a failed request.
 *
 * Only failures that can succeed later are retried (rate limit, overload, 5xx, a network failure
 * before any byte of a stream arrived). Timeouts are not (the same request would take as long
 * again). Authentication, quota, invalid requests and
 * content-filter refusals never are: retrying them only burns the account's RPM
 * (docs/moonshot-wire.md, "Rate limits").
 */
import type { KimiError, KimiErrorOptions } from "../errors/kimi-error.ts";

/** How many times and how long to wait before retrying a failed request (`createKimi({ retry })`). */
export interface RetryPolicy {
  /** Retries after the first attempt (default 2). 0 disables retries. */
  maxRetries: number;
  /** First backoff step in ms (default 500); doubles each attempt. */
  baseDelayMs: number;
  /**
   * Upper bound of one wait in ms (default 30 000). A service that asks for a longer wait gets
   * no retry: the error says so, with the service's wait in `retryAfterMs`.
   */
  maxDelayMs: number;
}

/** Defaults: 2 retries, 0.5 s doubling, 30 s cap. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 2,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
};

/** Whether a failed attempt of one request may be sent again (given its typed error). */
export type RetryPredicate = (error: KimiError) => boolean;

/**
 * The default rule: any failure that can succeed later and happened before the first byte of the
 * answer (the transport marks a connection that broke while the answer arrived as not
 * retryable: the service may have run and billed the request).
 */
export const retryBeforeFirstByte: RetryPredicate = (error) => error.retryable;

/**
 * Only failures the service answered with an error status (429, 5xx), which stored nothing. For
 * uploads: a lost connection may have stored the file, and a retry would store it twice.
 */
export const retryServiceRefusals: RetryPredicate = (error) =>
  error.retryable && error.status !== undefined;

/** For requests that must not be sent twice whatever happened (no failure is retried). */
export const retryNever: RetryPredicate = () => false;

/**
 * The error to give up with when the service asks to wait longer than `maxDelayMs`: the same
 * class and fields, `retryAfterMs` kept, and a message that says so.
 */
export function waitTooLong(error: KimiError, maxDelayMs: number): KimiError {
  const wait = error.retryAfterMs ?? 0;
  const SameClass = error.constructor as new (
    message: string,
    options: KimiErrorOptions,
  ) => KimiError;
  return new SameClass(
    `${error.message} The service asked to wait ${formatWait(wait)}, longer than the ${maxDelayMs} ms the client waits at most (retry.maxDelayMs), so the request was not retried: send it again after that wait, or raise retry.maxDelayMs.`,
    {
      status: error.status,
      type: error.type,
      requestId: error.requestId,
      retryAfterMs: error.retryAfterMs,
      responseBody: error.responseBody,
      cause: error.cause,
    },
  );
}

function formatWait(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * Delay before retry number `attempt` (1-based): the wait the service asked for when it named one,
 * else exponential backoff with full jitter (`random` is injectable for tests).
 */
export function retryDelayMs(
  attempt: number,
  error: KimiError,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const requested = (error as { retryAfterMs?: number }).retryAfterMs;
  if (requested !== undefined) return Math.min(requested, policy.maxDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // Full jitter keeps many clients that failed together from retrying together.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
