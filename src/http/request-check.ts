/**
 * Checks of the per-call options of a request (`signal`, `timeoutMs`, `maxRetries`, `headers`)
 * before anything is sent. Wrong ones are the caller's mistake, so they are an
 * {@link InvalidRequestError} naming the option, never a retried network failure.
 */

import { headersProblem } from "../config/header-check.ts";
import { InvalidRequestError } from "../errors/error-classes.ts";

/** The per-call options, as a caller (perhaps from JavaScript) passed them. */
export interface UncheckedRequestOptions {
  signal?: unknown;
  timeoutMs?: unknown;
  maxRetries?: unknown;
  headers?: unknown;
}

function refuse(option: string, rule: string, fix: string): never {
  throw new InvalidRequestError(
    `Invalid request option \`${option}\`: ${rule}. ${fix} Nothing was sent.`,
  );
}

function shown(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  return value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

/** Whether `value` can be used as an `AbortSignal` (Node's, or another realm's lookalike). */
export function isAbortSignal(value: unknown): value is AbortSignal {
  if (value instanceof AbortSignal) return true;
  if (value === null || typeof value !== "object") return false;
  const candidate = value as {
    aborted?: unknown;
    addEventListener?: unknown;
    removeEventListener?: unknown;
  };
  return (
    typeof candidate.aborted === "boolean" &&
    typeof candidate.addEventListener === "function" &&
    typeof candidate.removeEventListener === "function"
  );
}

/** Throws an {@link InvalidRequestError} when `signal` is given and is not an `AbortSignal`. */
export function checkSignal(signal: unknown): void {
  if (signal !== undefined && !isAbortSignal(signal)) {
    refuse(
      "signal",
      `must be an AbortSignal, not ${shown(signal)}`,
      "Pass controller.signal from an AbortController, or AbortSignal.timeout(ms).",
    );
  }
}

/** Throws an {@link InvalidRequestError} for the first per-call option of the wrong type or range. */
export function checkRequestOptions(options: UncheckedRequestOptions): void {
  checkSignal(options.signal);
  const { timeoutMs, maxRetries, headers } = options;
  if (
    timeoutMs !== undefined &&
    (typeof timeoutMs !== "number" || !Number.isSafeInteger(timeoutMs) || timeoutMs <= 0)
  ) {
    refuse(
      "timeoutMs",
      `${shown(timeoutMs)} is not a positive whole number of milliseconds`,
      "Use e.g. 60000, or leave it out for the client's timeout.",
    );
  }
  if (
    maxRetries !== undefined &&
    (typeof maxRetries !== "number" ||
      !Number.isInteger(maxRetries) ||
      maxRetries < 0 ||
      maxRetries > 10)
  ) {
    refuse(
      "maxRetries",
      `${shown(maxRetries)} is not a whole number from 0 to 10`,
      "Use e.g. 0 to disable retries for this call.",
    );
  }
  if (headers !== undefined) {
    const problem = headersProblem(headers);
    if (problem !== undefined) {
      refuse("headers", problem, 'Pass e.g. { "x-team": "search" } with plain one-line values.');
    }
  }
}
