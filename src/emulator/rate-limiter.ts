/**
 * Account rate limits: concurrency, RPM and TPM, answered with the service's 429
 * `rate_limit_reached_error` messages (docs/moonshot-wire.md "Rate limits"). TPM counts prompt tokens plus the
 * requested output cap, not the actual output (docs). Windows slide over the last 60 seconds.
 */
import { ACCOUNT_LABEL, EmulatorApiError } from "./error-responses.ts";

/** Limits; `undefined` means unlimited. */
export interface RateLimits {
  rpm?: number | undefined;
  tpm?: number | undefined;
  concurrency?: number | undefined;
}

const WINDOW_MS = 60_000;

function rateLimited(message: string): EmulatorApiError {
  return new EmulatorApiError(429, "rate_limit_reached_error", message);
}

/** Tracks usage against the configured limits. */
export class RateLimiter {
  readonly #limits: RateLimits;
  #inFlight = 0;
  #requestTimes: number[] = [];
  #tokenEvents: { at: number; tokens: number }[] = [];

  constructor(limits: RateLimits) {
    this.#limits = limits;
  }

  /** True when any limit is configured (lets the hot path skip this entirely). */
  get active(): boolean {
    return (
      this.#limits.rpm !== undefined ||
      this.#limits.tpm !== undefined ||
      this.#limits.concurrency !== undefined
    );
  }

  /**
   * Admits one request costing `tokens` or throws the 429. On success the caller must call the
   * returned `release` when the response ends (concurrency accounting).
   */
  admit(tokens: number, now = Date.now()): () => void {
    const { rpm, tpm, concurrency } = this.#limits;
    if (concurrency !== undefined && this.#inFlight >= concurrency) {
      // Recorded wording ("max organization concurrency", unlike "organization max RPM").
      throw rateLimited(
        `Your account ${ACCOUNT_LABEL} request reached max organization concurrency: ${concurrency}, please try again after 1 seconds`,
      );
    }
    const horizon = now - WINDOW_MS;
    if (rpm !== undefined) {
      while (this.#requestTimes.length > 0 && (this.#requestTimes[0] as number) <= horizon) {
        this.#requestTimes.shift();
      }
      if (this.#requestTimes.length >= rpm) {
        const oldest = this.#requestTimes[0] as number;
        const wait = Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000));
        throw rateLimited(
          `Your account ${ACCOUNT_LABEL} request reached organization max RPM: ${rpm}, please try again after ${wait} seconds`,
        );
      }
    }
    if (tpm !== undefined) {
      while (this.#tokenEvents.length > 0 && (this.#tokenEvents[0]?.at as number) <= horizon) {
        this.#tokenEvents.shift();
      }
      let current = 0;
      for (const event of this.#tokenEvents) current += event.tokens;
      if (current + tokens > tpm) {
        // The live TPM message carries no wait time (recorded): clients must fall back to backoff.
        throw rateLimited(
          `Your account ${ACCOUNT_LABEL} request reached organization TPM rate limit, current:${current + tokens}, limit:${tpm}`,
        );
      }
      this.#tokenEvents.push({ at: now, tokens });
    }
    if (rpm !== undefined) this.#requestTimes.push(now);
    this.#inFlight++;
    let released = false;
    return () => {
      if (!released) {
        released = true;
        this.#inFlight--;
      }
    };
  }
}
