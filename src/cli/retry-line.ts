/**
 * The stderr line printed before the client retries a request: why it failed, how long it waits
 * and whether the service asked for that wait ("rate limited: waiting 2 s as the service
 * asked (retry 1 of 2)").
 */
import type { RetryEvent } from "kimi-provider";

/** Seconds for people: `2 s`, `0.5 s`, `1.3 s`. */
function seconds(ms: number): string {
  const value = ms / 1000;
  return `${value >= 10 || Number.isInteger(value) ? Math.round(value) : value.toFixed(1)} s`;
}

/** Why the request failed, in a few words. */
function reason(event: RetryEvent): string {
  const { error } = event;
  const status = error.status === undefined ? "" : ` (HTTP ${error.status})`;
  switch (error.code) {
    case "rate_limited":
      return "rate limited";
    case "overloaded":
      return `the service is overloaded${status}`;
    case "server_error":
      return `server error${status}`;
    case "timeout":
      return "the request timed out";
    case "network_error":
      return "the connection failed";
    case "stream_truncated":
      return "the answer was cut off";
    default:
      return `${error.code}${status}`;
  }
}

/** The line for one retry (no newline). */
export function retryLine(event: RetryEvent): string {
  const asked = (event.error as { retryAfterMs?: number }).retryAfterMs !== undefined;
  const wait = asked
    ? `waiting ${seconds(event.delayMs)} as the service asked`
    : `retrying in ${seconds(event.delayMs)}`;
  return `${reason(event)}: ${wait} (retry ${event.attempt} of ${event.maxRetries})`;
}
