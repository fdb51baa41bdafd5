/**
 * `createKimi()`: the library's entry point. Validates options once, then composes the parts
 * (transport, models, chat, tokens, cost, files) into one small object.
 */
import { type KimiSettings, type ResolvedConfig, resolveConfig } from "./config/config.ts";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./http/retry-policy.ts";
import { type DebugEvent, HttpTransport, type RetryEvent } from "./http/transport.ts";

/** Options of {@link createKimi}: every `KIMI_*` setting plus hooks. */
export interface KimiOptions extends KimiSettings {
  /** Environment to read `KIMI_*` from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Retry backoff tuning; `maxRetries` comes from the settings. */
  retry?: Partial<Omit<RetryPolicy, "maxRetries">>;
  /** Called before each retry (visible retries). */
  onRetry?: (event: RetryEvent) => void;
  /** Receives redacted request/response records. */
  debug?: (event: DebugEvent) => void;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** Replaceable fetch. */
  fetch?: typeof fetch;
}

/** The client returned by {@link createKimi}. */
export interface Kimi {
  /** The validated configuration (the API key is present but never printed by the library). */
  readonly config: ResolvedConfig;
  /** The transport, for advanced use (custom endpoints). */
  readonly http: HttpTransport;
}

/** Creates a Kimi client. Throws `ConfigurationError` on invalid settings; sends nothing. */
export function createKimi(options: KimiOptions = {}): Kimi {
  const config = resolveConfig(options, options.env);
  const http = new HttpTransport({
    baseURL: config.baseURL,
    apiKey: config.apiKey,
    timeoutMs: config.timeoutMs,
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry, maxRetries: config.maxRetries },
    headers: options.headers,
    onRetry: options.onRetry,
    debug: options.debug,
    fetch: options.fetch,
  });
  return { config, http };
}
