/**
 * `createKimi()`: the library's entry point. Validates options once, then composes the parts
 * (transport, models, chat, tokens, cost, files) into one small object.
 */
import { ChatStream } from "./chat/chat-stream.ts";
import { completeChat } from "./chat/complete-chat.ts";
import type { ChatContext } from "./chat/prepare-request.ts";
import type { ChatRequest, ChatResult, RequestOptions } from "./chat/types.ts";
import type { WarningHandler } from "./chat/warnings.ts";
import { validateClientOptions } from "./config/client-options.ts";
import { type KimiSettings, type ResolvedConfig, resolveConfig } from "./config/config.ts";
import { type RecordableCall, UsageLedger, type UsageSnapshot } from "./cost/ledger.ts";
import { FilesApi } from "./files/files-api.ts";
import { resolveStateDir } from "./files/state-dir.ts";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./http/retry-policy.ts";
import { type DebugEvent, HttpTransport, type RetryEvent } from "./http/transport.ts";
import type { ModelInfo } from "./models/model-info.ts";
import { type ModelOverrides, ModelRegistry, type RefreshedModel } from "./models/registry.ts";
import { type ContextCheck, checkContext } from "./tokens/context-check.ts";
import { type EstimableMessage, estimatePromptTokens } from "./tokens/local-estimator.ts";
import { countTokens, type TokenCount } from "./tokens/token-counter.ts";
import { checkTokenQuery } from "./tokens/token-query.ts";

/** Options of {@link createKimi}: every `KIMI_*` setting plus hooks. */
export interface KimiOptions extends KimiSettings {
  /** Environment to read `KIMI_*` from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Retry backoff tuning; `maxRetries` comes from the settings. */
  retry?: Partial<Omit<RetryPolicy, "maxRetries">>;
  /** Called before each retry (visible retries). */
  onRetry?: (event: RetryEvent) => void;
  /**
   * Called, synchronously, with each warning of a chat call (`code`: `model-retired-fallback`,
   * `max-tokens-raised-for-thinking`, `max-tokens-low-for-thinking`,
   * `output-spent-on-reasoning`). The same warnings are on the result's `warnings`.
   */
  onWarning?: WarningHandler;
  /** Receives redacted request/response records. */
  debug?: (event: DebugEvent) => void;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** Replaceable fetch. */
  fetch?: typeof fetch;
  /**
   * Add or override models and prices: full entries, or `{ id: partial }` merged over the
   * catalog (a new id needs at least `contextWindow`).
   */
  models?: ModelOverrides;
  /** Directory for local state (the uploaded-file registry); else KIMI_STATE_DIR, else `~/.kimi-provider`. */
  stateDir?: string;
  /**
   * The base URL this client's uploads are recorded under in the file registry, and whose
   * entries `files.cleanup()` reads; default the `baseURL`. A service reached under changing URLs
   * (the CLI's keyless emulator gets a new port on every run, so it uses `emulator:local`) keeps
   * one registry identity this way, and a later cleanup still finds its uploads.
   */
  fileRegistryBaseURL?: string;
}

/** `kimi.models`: the models this client knows (catalog, overrides, last refresh) and their lookup. */
export interface KimiModels {
  /** Catalog entry + overrides; `undefined` for an unknown id. */
  get(id: string): ModelInfo | undefined;
  /** Like `get`, but throws InvalidRequestError naming the known ids. */
  require(id: string): ModelInfo;
  /** Every known model. */
  list(): ModelInfo[];
  /** Merges GET /v1/models; catalog models the account lacks become `available: false`. */
  refresh(options?: { signal?: AbortSignal }): Promise<RefreshedModel[]>;
}

/** What to estimate or count. */
export interface TokenQuery {
  /** Default: the configured default model. */
  model?: string;
  messages: readonly EstimableMessage[];
  tools?: readonly unknown[];
}

/** `kimi.tokens`: local token estimates, the service's count, and the context-window check. */
export interface KimiTokens {
  /** Local estimate of the prompt tokens (pure, offline). */
  estimate(query: TokenQuery): number;
  /** Asks the service (POST /v1/tokenizers/estimate-token-count); local estimate on failure. */
  count(query: TokenQuery, options?: { signal?: AbortSignal }): Promise<TokenCount>;
  /** Whether prompt + maxTokens (default: the configured max tokens) fits the model's window. */
  checkContext(query: TokenQuery & { maxTokens?: number }): ContextCheck;
}

/** `kimi.usage`: the running token totals and USD cost of this client's calls. */
export interface KimiUsage {
  /** Totals so far: tokens, cached tokens, cache hit rate, USD, per model. */
  snapshot(): UsageSnapshot;
  /** Starts over. */
  reset(): void;
  /** Adds a call made elsewhere (chat() and stream() record automatically). */
  record(call: RecordableCall): void;
}

/** The client returned by {@link createKimi}. */
export interface Kimi {
  /** The validated configuration (the API key is present but never printed by the library). */
  readonly config: ResolvedConfig;
  /** The transport, for advanced use (custom endpoints). */
  readonly http: HttpTransport;
  /** One chat completion, the full answer (usage and cost included, recorded in `usage`). */
  chat(request: ChatRequest, options?: RequestOptions): Promise<ChatResult>;
  /** A streaming chat completion: `for await` its events, then `await stream.result`. */
  stream(request: ChatRequest, options?: RequestOptions): ChatStream;
  /** The models this client knows (catalog + overrides + last refresh). */
  readonly models: KimiModels;
  /** Token estimation, counting and the context-window check. */
  readonly tokens: KimiTokens;
  /** The session's running usage and cost. */
  readonly usage: KimiUsage;
  /** Moonshot's file API, with checks, batch upload, cleanup registry and chat-with-files. */
  readonly files: FilesApi;
}

/**
 * Creates a Kimi client. Throws `ConfigurationError` on an invalid setting or an option of the
 * wrong type (every option is checked here, once); sends nothing.
 */
export function createKimi(options: KimiOptions = {}): Kimi {
  const config = resolveConfig(options, options?.env);
  validateClientOptions(options);
  const http = new HttpTransport({
    baseURL: config.baseURL,
    apiKey: config.apiKey,
    timeoutMs: config.timeoutMs,
    maxResponseBytes: config.maxResponseBytes,
    maxStreamEventBytes: config.maxStreamEventBytes,
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry, maxRetries: config.maxRetries },
    headers: options.headers,
    onRetry: options.onRetry,
    debug: options.debug,
    fetch: options.fetch,
  });
  const registry = new ModelRegistry(options.models);
  const ledger = new UsageLedger();
  const context: ChatContext = {
    http,
    config,
    models: registry,
    ledger,
    onWarning: options.onWarning,
  };
  const models: KimiModels = {
    get: (id) => registry.get(id),
    require: (id) => registry.require(id),
    list: () => registry.list(),
    refresh: (refreshOptions) => registry.refresh(http, refreshOptions),
  };
  const tokens: KimiTokens = {
    estimate: (query) => {
      checkTokenQuery(query, "estimate");
      return estimatePromptTokens(query.messages, query.tools);
    },
    count: async (query, countOptions) => {
      checkTokenQuery(query, "count");
      return countTokens(
        http,
        {
          model: query.model ?? config.defaultModel,
          messages: query.messages,
          ...(query.tools ? { tools: query.tools } : {}),
        },
        countOptions,
      );
    },
    checkContext: (query) => {
      checkTokenQuery(query, "checkContext");
      return checkContext(
        registry.get(query.model ?? config.defaultModel),
        query.messages,
        query.maxTokens ?? config.maxTokens,
        query.tools,
      );
    },
  };
  const usage: KimiUsage = {
    snapshot: () => ledger.snapshot(),
    reset: () => ledger.reset(),
    record: (call) => ledger.record(call),
  };
  const chat = (request: ChatRequest, requestOptions?: RequestOptions) =>
    completeChat(context, request, requestOptions);
  const stream = (request: ChatRequest, requestOptions?: RequestOptions) =>
    new ChatStream(context, request, requestOptions);
  const files = new FilesApi({
    http,
    stateDir: resolveStateDir(options.stateDir, options.env),
    chatClient: () => kimi,
    registryBaseURL: options.fileRegistryBaseURL,
  });
  const kimi: Kimi = { config, http, chat, stream, models, tokens, usage, files };
  return kimi;
}
