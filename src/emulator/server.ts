/**
 * Starts and stops the node:http server: builds the shared state from the options, applies the
 * resource limits (connection caps, header/request/idle timeouts, body and reply caps; see
 * docs/emulator.md "Resource limits"), refuses to listen beyond loopback without a key, listens,
 * and tracks sockets so `close()` ends everything promptly, even mid-stream.
 */
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { join } from "node:path";
import { MODEL_CATALOG } from "../models/catalog.ts";
import { CURRENT_LINEUP, isLineup, LINEUPS, type Lineup, lineupModels } from "../models/lineup.ts";
import type { ModelInfo } from "../models/model-info.ts";
import { DEFAULT_MAX_REQUEST_BYTES } from "./body-reader.ts";
import { FaultSchedule, type FaultSpec } from "./faults.ts";
import { FileStore } from "./file-store.ts";
import { systemFingerprint } from "./ids.ts";
import { isLoopbackHost } from "./loopback.ts";
import { modelsListBody } from "./models-api.ts";
import { PromptCache } from "./prompt-cache.ts";
import { RateLimiter } from "./rate-limiter.ts";
import { RequestBudget } from "./request-budget.ts";
import { type RecordedRequest, RequestRecorder, resolveLogSink } from "./request-log.ts";
import { createRouter } from "./router.ts";
import type { EmulatorState, ResourceLimits } from "./state.ts";
import { SpoolDirectory } from "./upload-spool.ts";

/** Limits of the emulated account. */
export interface EmulatorLimits {
  /** Requests per minute for chat completions; default unlimited. */
  rpm?: number;
  /** Tokens per minute (prompt + requested max tokens); default unlimited. */
  tpm?: number;
  /** Concurrent chat completions; default unlimited. */
  concurrency?: number;
  /** Files kept at once; default 1,000. */
  maxFiles?: number;
  /** Bytes per file; default 100 MB. */
  maxFileBytes?: number;
  /** Bytes over all files; default 10 GB. */
  maxTotalBytes?: number;
  /**
   * Bytes of one JSON request body; default 100 MB (104,857,600, the service's documented
   * limit). A larger body gets a 400 before it is read (from `Content-Length`) or as soon as its
   * streamed bytes pass the limit.
   */
  maxRequestBytes?: number;
  /**
   * Request-body bytes held in memory at once, over all requests; default 256 MiB. A body that
   * does not fit gets the service's overload 429 (`engine_overloaded_error`) at once.
   */
  maxBufferedRequestBytes?: number;
  /** Largest `x-emulator-reply-tokens` (and `replyTokens`); default 100,000. More is a 400. */
  maxReplyTokens?: number;
  /** Upload bytes kept in memory; past this an upload goes to a temporary file. Default 1 MiB. */
  uploadMemoryBytes?: number;
  /** Open connections at once; default 1,024. Further connections are closed at once. */
  maxConnections?: number;
  /** Open connections from one client address; default 256. Further ones are closed at once. */
  maxConnectionsPerClient?: number;
}

/**
 * Timeouts that keep slow or silent clients from holding sockets (and file descriptors) forever.
 * All in milliseconds.
 */
export interface EmulatorTimeouts {
  /** Time to receive a request's complete headers; default 10,000. Slower sockets are closed. */
  headersMs?: number;
  /** Time to receive a whole request, body included; default 120,000. */
  requestMs?: number;
  /** How long an idle keep-alive connection stays open between requests; default 5,000. */
  keepAliveMs?: number;
  /** A socket with no traffic either way for this long is closed; default 120,000. */
  idleMs?: number;
  /**
   * How long a reply waits for a client that reads nothing (its buffers full) before the socket is
   * closed; default 30,000.
   */
  stalledWriteMs?: number;
}

/** Balance reported by `/v1/users/me/balance`, USD. */
export interface EmulatorBalance {
  /** Cash balance (may be negative: arrears). Default 100. */
  cash?: number;
  /** Voucher balance. Default 0. */
  voucher?: number;
}

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface; default `127.0.0.1`. */
  host?: string;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (else 401). */
  apiKey?: string;
  /**
   * Which era of Moonshot's lineup answers: `"2026-09"` (default, {@link CURRENT_LINEUP}: kimi-k3,
   * kimi-k2.7-code(-highspeed), kimi-k2.6) or `"2025-10"` (the seed era: kimi-k2-*-preview,
   * kimi-thinking-preview, moonshot-v1-*, kimi-latest). Every other id answers the service's 404.
   * An unknown name throws.
   */
  lineup?: Lineup;
  /**
   * Served model ids, instead of a lineup (any catalog id, retired ones included). Unknown ids
   * throw; so does naming both `models` and `lineup`.
   */
  models?: readonly string[];
  /** Seed of the deterministic replies; default 0. */
  seed?: number;
  /** Directory for uploaded files (persisted across restarts); default in memory. */
  filesDir?: string;
  /** Rate and file limits. */
  limits?: EmulatorLimits;
  /** Balance reported and checked (≤ 0 available ⇒ 429 quota error). */
  balance?: EmulatorBalance;
  /** Every chat request gets 429 `exceeded_current_quota_error`. */
  quotaExhausted?: boolean;
  /** `true`: one line per request on stderr; a function receives the lines instead. */
  log?: boolean | ((line: string) => void);
  /** Delay between SSE chunks in ms; default 0. */
  chunkDelayMs?: number;
  /** Default number of content chunks of every reply (like `x-emulator-reply-tokens`). */
  replyTokens?: number;
  /** Capacity of the prompt-cache LRU, in prefix entries (one per message); default 10,000. */
  cacheEntries?: number;
  /** Requests kept in `requests` (oldest dropped first); default 10,000. */
  maxRecordedRequests?: number;
  /** Header, request, idle and stalled-write timeouts (see {@link EmulatorTimeouts}). */
  timeouts?: EmulatorTimeouts;
  /**
   * Directory for the temporary files of large uploads; default `<filesDir>/.uploads`, or a
   * fresh directory under the OS temp dir (removed by `close()`) in memory mode.
   */
  spoolDir?: string;
  /**
   * Receives warnings, one line each: today only the one given when `host` is not a loopback
   * address. Default: written to stderr.
   */
  onWarning?: (message: string) => void;
}

/** A running emulator. */
export interface RunningEmulator {
  /** `http://HOST:PORT`. */
  readonly url: string;
  /** `url + "/v1"`: what a client uses as its base URL (KIMI_BASE_URL). */
  readonly baseURL: string;
  /** Bound port. */
  readonly port: number;
  /** Requests received, oldest first (Authorization redacted). */
  readonly requests: readonly RecordedRequest[];
  /** Forgets the recorded requests. */
  clearRequests(): void;
  /** Schedules a fault for the next matching request(s). */
  inject(fault: FaultSpec): void;
  /** Removes all scheduled faults. */
  clearFaults(): void;
  /** Changes the reported balance. */
  setBalance(balance: EmulatorBalance): void;
  /** Switches the quota-exhausted mode. */
  setQuotaExhausted(on: boolean): void;
  /** Forgets the prompt cache (cached_tokens start from zero again). */
  clearPromptCache(): void;
  /** Stops the server and destroys every socket. */
  close(): Promise<void>;
}

function servedModels(options: EmulatorOptions): Map<string, ModelInfo> {
  const served = new Map<string, ModelInfo>();
  const { models: ids, lineup } = options;
  if (lineup !== undefined && !isLineup(String(lineup))) {
    throw new Error(
      `startEmulator: unknown lineup "${String(lineup)}"; valid lineups: ${Object.keys(LINEUPS).join(", ")}`,
    );
  }
  if (!ids) {
    for (const model of lineupModels(lineup ?? CURRENT_LINEUP)) served.set(model.id, model);
    return served;
  }
  if (lineup !== undefined) {
    throw new Error(
      "startEmulator: give either `models` or `lineup`, not both (`models` names the served ids itself)",
    );
  }
  for (const id of ids) {
    const model = MODEL_CATALOG.find((entry) => entry.id === id);
    if (!model) throw new Error(`startEmulator: unknown model id "${id}" (not in the catalog)`);
    served.set(id, model);
  }
  return served;
}

function wholeNumber(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new Error(
      `startEmulator: ${name} must be a whole number from ${min} up, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Refuses a non-loopback `host` without `apiKey` (anyone on the network could use it), and warns
 * when one is used with a key (plain HTTP, reachable from other machines).
 */
function checkHost(host: string, options: EmulatorOptions): void {
  if (isLoopbackHost(host)) return;
  if (options.apiKey === undefined) {
    throw new Error(
      `startEmulator: host "${host}" is reachable from other machines, so an apiKey is required there: pass \`apiKey\` (clients then send \`Authorization: Bearer <key>\`), or listen on 127.0.0.1.`,
    );
  }
  const warn = options.onWarning ?? ((line: string) => process.stderr.write(`${line}\n`));
  warn(
    `warning: the emulator listens on ${host}, reachable from other machines over plain HTTP; only requests with the API key are answered.`,
  );
}

/** Closes connections past the per-client cap (the total cap is `server.maxConnections`). */
function capConnectionsPerClient(server: ReturnType<typeof createServer>, perClient: number): void {
  const open = new Map<string, number>();
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "";
    const count = (open.get(address) ?? 0) + 1;
    if (count > perClient) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once("close", () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

/**
 * Starts a Moonshot-compatible emulator on loopback. Resolves once it is listening. A `host`
 * beyond loopback (e.g. `0.0.0.0`) requires `apiKey` and prints a warning.
 *
 * @example
 * const emu = await startEmulator();
 * // KIMI_BASE_URL = emu.baseURL
 * await emu.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? "127.0.0.1";
  checkHost(host, options);
  const limits = options.limits ?? {};
  const timeouts = options.timeouts ?? {};
  const resource: ResourceLimits = {
    maxRequestBytes: wholeNumber(
      "limits.maxRequestBytes",
      limits.maxRequestBytes,
      DEFAULT_MAX_REQUEST_BYTES,
    ),
    maxReplyTokens: wholeNumber("limits.maxReplyTokens", limits.maxReplyTokens, 100_000, 0),
    uploadMemoryBytes: wholeNumber(
      "limits.uploadMemoryBytes",
      limits.uploadMemoryBytes,
      1024 * 1024,
      0,
    ),
    stalledWriteMs: wholeNumber("timeouts.stalledWriteMs", timeouts.stalledWriteMs, 30_000),
  };
  const bufferedBytes = wholeNumber(
    "limits.maxBufferedRequestBytes",
    limits.maxBufferedRequestBytes,
    256 * 1024 * 1024,
  );
  const maxConnections = wholeNumber("limits.maxConnections", limits.maxConnections, 1024);
  const perClient = wholeNumber(
    "limits.maxConnectionsPerClient",
    limits.maxConnectionsPerClient,
    256,
  );
  const requestMs = wholeNumber("timeouts.requestMs", timeouts.requestMs, 120_000);
  // Node requires the header timeout not to exceed the request timeout.
  const headersMs = Math.min(
    wholeNumber("timeouts.headersMs", timeouts.headersMs, 10_000),
    requestMs,
  );
  const keepAliveMs = wholeNumber("timeouts.keepAliveMs", timeouts.keepAliveMs, 5_000);
  const idleMs = wholeNumber("timeouts.idleMs", timeouts.idleMs, 120_000);
  if (options.replyTokens !== undefined && options.replyTokens > resource.maxReplyTokens) {
    throw new Error(
      `startEmulator: replyTokens ${options.replyTokens} is over limits.maxReplyTokens (${resource.maxReplyTokens}); raise the limit or ask for fewer`,
    );
  }
  const files = new FileStore(options.filesDir, {
    maxFiles: limits.maxFiles ?? 1000,
    maxFileBytes: limits.maxFileBytes ?? 100 * 1024 * 1024,
    maxTotalBytes: limits.maxTotalBytes ?? 10 * 1024 ** 3,
  });
  await files.load();
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let closed = false;
  const seed = options.seed ?? 0;
  const state: EmulatorState = {
    apiKey: options.apiKey,
    served: servedModels(options),
    seed,
    fingerprint: systemFingerprint(0x41b1161c ^ seed),
    chunkDelayMs: options.chunkDelayMs ?? 0,
    replyTokens: options.replyTokens,
    balance: { cash: options.balance?.cash ?? 100, voucher: options.balance?.voucher ?? 0 },
    quotaExhausted: options.quotaExhausted ?? false,
    cache: new PromptCache(options.cacheEntries ?? 10_000),
    limiter: new RateLimiter({ rpm: limits.rpm, tpm: limits.tpm, concurrency: limits.concurrency }),
    faults: new FaultSchedule(),
    files,
    recorder: new RequestRecorder(options.maxRecordedRequests ?? 10_000),
    log: resolveLogSink(options.log),
    limits: resource,
    bodyBudget: new RequestBudget(bufferedBytes),
    uploadSpool: new SpoolDirectory(
      options.spoolDir ?? (options.filesDir ? join(options.filesDir, ".uploads") : undefined),
    ),
    headerFaultUses: new Map(),
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        const entry = {
          timer: setTimeout(() => {
            timers.delete(entry);
            resolve();
          }, ms),
          resolve,
        };
        timers.add(entry);
      }),
  };
  const server = createServer(
    {
      keepAliveTimeout: keepAliveMs,
      headersTimeout: headersMs,
      requestTimeout: requestMs,
      // How often Node checks the two timeouts above (its default, 30 s, would let a slow
      // socket live up to 30 s past its deadline).
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(headersMs / 2))),
    },
    createRouter(state, modelsListBody(state.served)),
  );
  server.maxConnections = maxConnections;
  server.timeout = idleMs;
  capConnectionsPerClient(server, perClient);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    port,
    get requests() {
      return state.recorder.entries;
    },
    clearRequests: () => state.recorder.clear(),
    inject: (fault) => state.faults.add(fault),
    clearFaults: () => state.faults.clear(),
    setBalance: (balance) => {
      if (balance.cash !== undefined) state.balance.cash = balance.cash;
      if (balance.voucher !== undefined) state.balance.voucher = balance.voucher;
    },
    setQuotaExhausted: (on) => {
      state.quotaExhausted = on;
    },
    clearPromptCache: () => state.cache.clear(),
    close: () => {
      if (closed) return Promise.resolve();
      closed = true;
      for (const entry of timers) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => state.uploadSpool.close());
    },
  };
}
