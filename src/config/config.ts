/**
 * Configuration: the `KIMI_*` environment variables, overridden by options given in code,
 * validated once at the boundary. Everything past {@link resolveConfig} trusts its values.
 */
import { ConfigurationError } from "../errors/error-classes.ts";
import { DEFAULT_MODEL_ID } from "../models/catalog.ts";
import { typeName } from "./type-name.ts";

/** Moonshot's international API (keys from platform.moonshot.ai); the default base URL. */
export const MOONSHOT_INTERNATIONAL_BASE_URL = "https://api.moonshot.ai/v1";
/** Mainland China host (separate accounts and keys). */
export const MOONSHOT_CHINA_BASE_URL = "https://api.moonshot.cn/v1";

/**
 * What to do when the service answers 404 for a model the catalog marks retired:
 * - `none` (default): throw the {@link ModelNotFoundError} (its message names the successor).
 * - `successor`: re-send the request once to the retired model's successor, and report a
 *   `model-retired-fallback` warning.
 */
export type ModelFallback = "none" | "successor";

/** The accepted values of {@link ModelFallback}, in the order messages list them. */
export const MODEL_FALLBACKS: readonly ModelFallback[] = ["none", "successor"];

/** Settings that may come from the environment or from code. */
export interface KimiSettings {
  /** `KIMI_API_KEY`. Needed only when a request is sent. */
  apiKey?: string | undefined;
  /** `KIMI_BASE_URL`, default `https://api.moonshot.ai/v1`. */
  baseURL?: string | undefined;
  /**
   * `KIMI_DEFAULT_MODEL`, default `kimi-k2.6`: the model of requests that name none. (The seed's
   * default, kimi-k2-0905-preview, was retired by Moonshot on 2026-05-25; set this variable to
   * keep using any id, retired or not: it is sent as given.)
   */
  defaultModel?: string | undefined;
  /** `KIMI_MODEL_FALLBACK`: `none` (default) or `successor`; see {@link ModelFallback}. */
  modelFallback?: ModelFallback | undefined;
  /** `KIMI_TEMPERATURE`, default 0.5, range [0, 1]. */
  temperature?: number | undefined;
  /**
   * `KIMI_MAX_TOKENS`, default 32768: output cap sent as `max_tokens` (clamped to the window).
   * On thinking models a configured value below 16,000 is raised to 16,000 (with a warning).
   */
  maxTokens?: number | undefined;
  /** `KIMI_TIMEOUT_MS`, default 600 000 (10 minutes): whole-request timeout. */
  timeoutMs?: number | undefined;
  /** `KIMI_MAX_RETRIES`, default 2. */
  maxRetries?: number | undefined;
  /**
   * `KIMI_MAX_RESPONSE_BYTES`, default 67 108 864 (64 MiB): the largest response body read (error
   * bodies included), and the most text (in characters) a stream may accumulate. Larger is a
   * `ResponseTooLargeError` and the connection is dropped.
   */
  maxResponseBytes?: number | undefined;
  /**
   * `KIMI_MAX_STREAM_EVENT_BYTES`, default 8 388 608 (8 MiB): the largest single server-sent event
   * (or unfinished line) of a stream. Larger is a `ResponseTooLargeError`.
   */
  maxStreamEventBytes?: number | undefined;
}

/** The settings a client runs with, after defaults and validation (see `createKimi`). */
export interface ResolvedConfig {
  apiKey: string | undefined;
  baseURL: string;
  defaultModel: string;
  modelFallback: ModelFallback;
  temperature: number;
  maxTokens: number;
  timeoutMs: number;
  maxRetries: number;
  maxResponseBytes: number;
  maxStreamEventBytes: number;
}

/** Where each setting comes from in the environment, for error messages. */
export const ENVIRONMENT_VARIABLES = {
  apiKey: "KIMI_API_KEY",
  baseURL: "KIMI_BASE_URL",
  defaultModel: "KIMI_DEFAULT_MODEL",
  modelFallback: "KIMI_MODEL_FALLBACK",
  temperature: "KIMI_TEMPERATURE",
  maxTokens: "KIMI_MAX_TOKENS",
  timeoutMs: "KIMI_TIMEOUT_MS",
  maxRetries: "KIMI_MAX_RETRIES",
  maxResponseBytes: "KIMI_MAX_RESPONSE_BYTES",
  maxStreamEventBytes: "KIMI_MAX_STREAM_EVENT_BYTES",
} as const satisfies Record<keyof KimiSettings, string>;

const DEFAULTS = {
  baseURL: MOONSHOT_INTERNATIONAL_BASE_URL,
  defaultModel: DEFAULT_MODEL_ID,
  modelFallback: "none",
  temperature: 0.5,
  maxTokens: 32_768,
  timeoutMs: 600_000,
  maxRetries: 2,
  // A chat answer is at most a few MiB of JSON; files.content of a large document maybe tens.
  maxResponseBytes: 64 * 1024 * 1024,
  // One SSE event carries one delta (a few hundred bytes); a whole answer in one event is at most
  // a few MiB.
  maxStreamEventBytes: 8 * 1024 * 1024,
} as const;

type Source = "option" | "env";

function describe(setting: keyof KimiSettings, source: Source): string {
  return source === "env" ? ENVIRONMENT_VARIABLES[setting] : `option \`${setting}\``;
}

function fail(
  setting: keyof KimiSettings,
  source: Source,
  value: unknown,
  rule: string,
  fix: string,
): never {
  const shown = setting === "apiKey" ? "(hidden)" : JSON.stringify(value);
  throw new ConfigurationError(`Invalid ${describe(setting, source)}=${shown}: ${rule}. ${fix}`, {
    setting: ENVIRONMENT_VARIABLES[setting],
  });
}

/**
 * The accepted range of a numeric setting. Hand-written rather than a schema library so that
 * importing the package stays cheap (zod alone costs about 90 ms to load).
 */
interface NumberRule {
  /** Whole numbers only (and within the safe-integer range). */
  integer?: boolean;
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound. */
  above?: number;
  /** Inclusive upper bound. */
  max?: number;
}

function satisfies(value: number, rule: NumberRule): boolean {
  if (!Number.isFinite(value)) return false;
  if (rule.integer && !Number.isSafeInteger(value)) return false;
  if (rule.min !== undefined && value < rule.min) return false;
  if (rule.above !== undefined && value <= rule.above) return false;
  if (rule.max !== undefined && value > rule.max) return false;
  return true;
}

function readNumber(
  setting: keyof KimiSettings,
  raw: number | string | undefined,
  source: Source,
  check: NumberRule,
  rule: string,
  fix: string,
): number | undefined {
  if (raw === undefined) return undefined;
  if (source === "option" && typeof raw !== "number") {
    fail(setting, source, raw, `must be a number, not ${typeName(raw)}`, fix);
  }
  if (raw === "") return undefined;
  const value = typeof raw === "number" ? raw : Number(raw.trim());
  if (typeof raw === "string" && raw.trim() === "") return undefined;
  if (!satisfies(value, check)) fail(setting, source, raw, rule, fix);
  return value;
}

/** A string option's value, or `undefined`; anything else given in code is an error. */
function stringOption(
  setting: keyof KimiSettings,
  value: unknown,
  fix: string,
): string | undefined {
  if (value === undefined || typeof value === "string") return value;
  fail(
    setting,
    "option",
    setting === "apiKey" ? "" : value,
    `must be a string, not ${typeName(value)}`,
    fix,
  );
}

/** An environment value must be a string (a `KIMI_*` variable always is in `process.env`). */
function envValue(
  env: Record<string, string | undefined>,
  setting: keyof KimiSettings,
): string | undefined {
  const name = ENVIRONMENT_VARIABLES[setting];
  const value: unknown = env[name];
  if (value === undefined || typeof value === "string") return value;
  throw new ConfigurationError(
    `Invalid ${name} in option \`env\`: must be a string, not ${typeName(value)}. Pass environment values as strings.`,
    { setting: name },
  );
}

/** The numeric settings, all read the same way. */
type NumericSetting =
  | "temperature"
  | "maxTokens"
  | "timeoutMs"
  | "maxRetries"
  | "maxResponseBytes"
  | "maxStreamEventBytes";

/** How one numeric setting is checked, and what its error says. */
interface NumericSettingRule {
  check: NumberRule;
  /** What a valid value is, for the error. */
  rule: string;
  /** What to set instead, for the error. */
  fix: string;
}

/** Every numeric setting's range and messages: one row each. */
const NUMERIC_SETTINGS: Record<NumericSetting, NumericSettingRule> = {
  temperature: {
    check: { min: 0, max: 1 },
    rule: "must be a number from 0 to 1 (Moonshot rejects anything above 1)",
    fix: "Set it between 0 and 1, e.g. 0.5.",
  },
  maxTokens: {
    check: { integer: true, above: 0 },
    rule: "must be a positive whole number of tokens",
    fix: "Set it to e.g. 32768.",
  },
  timeoutMs: {
    check: { integer: true, above: 0 },
    rule: "must be a positive whole number of milliseconds",
    fix: "Set it to e.g. 600000 (10 minutes).",
  },
  maxRetries: {
    check: { integer: true, min: 0, max: 10 },
    rule: "must be a whole number from 0 to 10",
    fix: "Set it to e.g. 2.",
  },
  maxResponseBytes: {
    check: { integer: true, above: 0 },
    rule: "must be a positive whole number of bytes",
    fix: `Set it to e.g. ${DEFAULTS.maxResponseBytes} (64 MiB).`,
  },
  maxStreamEventBytes: {
    check: { integer: true, above: 0 },
    rule: "must be a positive whole number of bytes",
    fix: `Set it to e.g. ${DEFAULTS.maxStreamEventBytes} (8 MiB).`,
  },
};

/** Visible ASCII only: an HTTP header value cannot carry anything else, and keys never do. */
const KEY_CHARACTERS = /^[\x21-\x7e]+$/;

function pick<T>(option: T | undefined, env: string | undefined): [T | string | undefined, Source] {
  return option !== undefined ? [option, "option"] : [env, "env"];
}

/**
 * Reads settings from `options`, falling back to `env` (default `process.env`), applies defaults
 * and validates every value. Throws {@link ConfigurationError} naming the variable, the bad value
 * and the fix. The API key may be absent here: requests check for it when sent.
 */
export function resolveConfig(
  options: KimiSettings = {},
  env: Record<string, string | undefined> = process.env,
): ResolvedConfig {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new ConfigurationError(
      `createKimi() takes an options object, not ${typeName(options)}. Pass e.g. { apiKey, baseURL }, or nothing to read KIMI_* from the environment.`,
      { setting: "options" },
    );
  }
  if (env === null || typeof env !== "object" || Array.isArray(env)) {
    throw new ConfigurationError(
      `Invalid option \`env\`: must be an object of environment variables (like process.env), not ${typeName(env)}.`,
      { setting: "env" },
    );
  }
  const keyOption = stringOption("apiKey", options.apiKey, "Pass the key as a string.");
  const [apiKeyRaw, keySource] = pick(keyOption, envValue(env, "apiKey"));
  const apiKey =
    typeof apiKeyRaw === "string" && apiKeyRaw.trim() !== "" ? apiKeyRaw.trim() : undefined;
  if (apiKey !== undefined && /\s/.test(apiKey)) {
    fail(
      "apiKey",
      keySource,
      apiKey,
      "it contains whitespace",
      "Copy the key again from the Moonshot console.",
    );
  }
  // A character an HTTP header cannot carry would make every request fail in the socket layer,
  // where it looks like a network failure and is retried: refuse it here, before anything is sent.
  if (apiKey !== undefined && !KEY_CHARACTERS.test(apiKey)) {
    fail(
      "apiKey",
      keySource,
      apiKey,
      "it contains a character that is not visible ASCII (API keys are letters, digits, - and _)",
      "Copy the key again from the Moonshot console.",
    );
  }

  const urlFix = `Use ${MOONSHOT_INTERNATIONAL_BASE_URL} (or ${MOONSHOT_CHINA_BASE_URL} for China).`;
  const [baseRaw, baseSource] = pick(
    stringOption("baseURL", options.baseURL, urlFix),
    envValue(env, "baseURL"),
  );
  let baseURL: string = DEFAULTS.baseURL;
  if (typeof baseRaw === "string" && baseRaw.trim() !== "") {
    let url: URL;
    try {
      url = new URL(baseRaw.trim());
    } catch {
      fail("baseURL", baseSource, baseRaw, "not a valid URL", urlFix);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      fail(
        "baseURL",
        baseSource,
        baseRaw,
        "the URL must use http or https",
        `Use ${MOONSHOT_INTERNATIONAL_BASE_URL}.`,
      );
    }
    baseURL = url.href.replace(/\/+$/, "");
  }

  const modelFix = "Run `kimi-provider models` for valid ids.";
  const [modelRaw, modelSource] = pick(
    stringOption("defaultModel", options.defaultModel, modelFix),
    envValue(env, "defaultModel"),
  );
  let defaultModel: string = DEFAULTS.defaultModel;
  if (typeof modelRaw === "string" && modelRaw.trim() !== "") {
    defaultModel = modelRaw.trim();
    if (/\s/.test(defaultModel)) {
      fail("defaultModel", modelSource, modelRaw, "a model id has no spaces", modelFix);
    }
  }

  const [fallbackRaw, fallbackSource] = pick<unknown>(
    options.modelFallback,
    envValue(env, "modelFallback"),
  );
  let modelFallback: ModelFallback = DEFAULTS.modelFallback;
  if (
    fallbackRaw !== undefined &&
    !(typeof fallbackRaw === "string" && fallbackRaw.trim() === "")
  ) {
    const value = typeof fallbackRaw === "string" ? fallbackRaw.trim() : fallbackRaw;
    const known = MODEL_FALLBACKS.find((allowed) => allowed === value);
    if (known === undefined) {
      fail(
        "modelFallback",
        fallbackSource,
        fallbackRaw,
        `must be one of ${MODEL_FALLBACKS.join(", ")}`,
        "Use `successor` to re-send a request for a retired model to its successor, or `none` (the default) to get the error.",
      );
    }
    modelFallback = known;
  }

  const numbers = {} as Record<NumericSetting, number>;
  for (const [setting, rule] of Object.entries(NUMERIC_SETTINGS) as [
    NumericSetting,
    NumericSettingRule,
  ][]) {
    const [raw, source] = pick(options[setting], envValue(env, setting));
    numbers[setting] =
      readNumber(setting, raw, source, rule.check, rule.rule, rule.fix) ?? DEFAULTS[setting];
  }
  const { temperature, maxTokens, timeoutMs, maxRetries, maxResponseBytes, maxStreamEventBytes } =
    numbers;

  return {
    apiKey,
    baseURL,
    defaultModel,
    modelFallback,
    temperature,
    maxTokens,
    timeoutMs,
    maxRetries,
    maxResponseBytes,
    maxStreamEventBytes,
  };
}
