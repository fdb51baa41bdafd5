/**
 * When and how long to wait before retrying a failed request.
 *
 * Only failures that can succeed later are retried (rate limit, overload, 5xx, a network failure
 * before any byte of a stream arrived). Timeouts are not (the same request would take as long
 * again). Authentication, quota, invalid requests and
 * content-filter refusals never are: retrying them only burns the account's RPM (reference §5.3,
 * doc:faq on the OpenAI SDK's default retries).
 */
import type { KimiError } from "../errors/kimi-error.ts";

/** Retry settings. */
export interface RetryPolicy {
  /** Retries after the first attempt (default 2). 0 disables retries. */
  maxRetries: number;
  /** First backoff step in ms (default 500); doubles each attempt. */
  baseDelayMs: number;
  /** Upper bound of one wait in ms (default 30 000), also caps a server-requested wait. */
  maxDelayMs: number;
}

/** Defaults: 2 retries, 0.5 s doubling, 30 s cap. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 2,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
};

/** Whether `error` may be retried at all. */
export function isRetryable(error: KimiError): boolean {
  return error.retryable;
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
