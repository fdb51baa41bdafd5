/**
 * Type checks of the `createKimi()` options that are not `KIMI_*` settings (those are checked by
 * `resolveConfig`): hooks, headers, `fetch`, `retry`, `models`, `stateDir`. A JavaScript caller
 * (or a cast) can pass anything; a wrong type fails here with a `ConfigurationError` naming the
 * option and the fix, never later as a raw `TypeError` or a silently ignored setting.
 */
import { ConfigurationError } from "../errors/error-classes.ts";
import { headersProblem } from "./header-check.ts";
import { typeName } from "./type-name.ts";

/** The options this module checks, as given (unknown types: they may come from JavaScript). */
export interface UncheckedClientOptions {
  retry?: unknown;
  onRetry?: unknown;
  debug?: unknown;
  headers?: unknown;
  fetch?: unknown;
  models?: unknown;
  stateDir?: unknown;
  fileRegistryBaseURL?: unknown;
}

function refuse(option: string, rule: string, fix: string): never {
  throw new ConfigurationError(`Invalid option \`${option}\`: ${rule}. ${fix}`, {
    setting: option,
  });
}

function checkFunction(option: string, value: unknown, fix: string): void {
  if (value !== undefined && typeof value !== "function") {
    refuse(option, `must be a function, not ${typeName(value)}`, fix);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Throws a {@link ConfigurationError} for the first option of the wrong type or shape. */
export function validateClientOptions(options: UncheckedClientOptions): void {
  checkFunction("onRetry", options.onRetry, "Pass (event) => { ... } or leave it out.");
  checkFunction("debug", options.debug, "Pass (event) => { ... } or leave it out.");
  checkFunction(
    "fetch",
    options.fetch,
    "Pass a fetch-compatible function (e.g. globalThis.fetch) or leave it out.",
  );

  if (options.headers !== undefined) {
    const problem = headersProblem(options.headers);
    if (problem !== undefined) {
      refuse("headers", problem, 'Pass e.g. { "x-team": "search" } with plain one-line values.');
    }
  }

  const retry = options.retry;
  if (retry !== undefined) {
    if (!isPlainObject(retry)) {
      refuse(
        "retry",
        `must be an object, not ${typeName(retry)}`,
        "Pass e.g. { baseDelayMs: 500 }.",
      );
    }
    for (const [name, value] of Object.entries(retry)) {
      if (name === "maxRetries") {
        refuse(
          "retry",
          "`maxRetries` is not read from here",
          "Set `maxRetries` at the top level of the options (or KIMI_MAX_RETRIES).",
        );
      }
      if (name !== "baseDelayMs" && name !== "maxDelayMs") {
        refuse(
          "retry",
          `unknown field \`${name}\``,
          "Its fields are `baseDelayMs` and `maxDelayMs`.",
        );
      }
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
        refuse(
          "retry",
          `\`${name}\` must be a number of milliseconds, 0 or more (got ${typeof value === "number" ? String(value) : typeName(value)})`,
          "Use e.g. { baseDelayMs: 500, maxDelayMs: 30000 }.",
        );
      }
    }
  }

  const models = options.models;
  if (models !== undefined && models !== null && typeof models !== "object") {
    refuse(
      "models",
      `must be an array of model entries or an object keyed by model id, not ${typeName(models)}`,
      'Pass e.g. { "my-model": { contextWindow: 131072 } }.',
    );
  }
  if (models === null) {
    refuse("models", "must not be null", "Leave it out, or pass an object keyed by model id.");
  }

  const stateDir = options.stateDir;
  if (stateDir !== undefined && (typeof stateDir !== "string" || stateDir.trim() === "")) {
    refuse(
      "stateDir",
      `must be a non-empty path string, not ${typeof stateDir === "string" ? "an empty string" : typeName(stateDir)}`,
      "Pass a directory path, or leave it out to use KIMI_STATE_DIR or ~/.kimi-provider.",
    );
  }
  const registryBaseURL = options.fileRegistryBaseURL;
  if (
    registryBaseURL !== undefined &&
    (typeof registryBaseURL !== "string" || registryBaseURL.trim() === "")
  ) {
    refuse(
      "fileRegistryBaseURL",
      `must be a non-empty string, not ${typeof registryBaseURL === "string" ? "an empty string" : typeName(registryBaseURL)}`,
      "Pass a stable name for the service (e.g. its base URL), or leave it out.",
    );
  }
}
