/**
 * Starts and stops the node:http server: builds the shared state from the options, listens,
 * tracks sockets so `close()` ends everything promptly, even mid-stream.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { MODEL_CATALOG } from "../models/catalog.ts";
import { CURRENT_LINEUP, isLineup, LINEUPS, type Lineup, lineupModels } from "../models/lineup.ts";
import type { ModelInfo } from "../models/model-info.ts";
import { FaultSchedule, type FaultSpec } from "./faults.ts";
import { FileStore } from "./file-store.ts";
import { systemFingerprint } from "./ids.ts";
import { modelsListBody } from "./models-api.ts";
import { PromptCache } from "./prompt-cache.ts";
import { RateLimiter } from "./rate-limiter.ts";
import { type RecordedRequest, RequestRecorder, resolveLogSink } from "./request-log.ts";
import { createRouter } from "./router.ts";
import type { EmulatorState } from "./state.ts";

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

/**
 * Starts a Moonshot-compatible emulator on loopback. Resolves once it is listening.
 *
 * @example
 * const emu = await startEmulator();
 * // KIMI_BASE_URL = emu.baseURL
 * await emu.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const limits = options.limits ?? {};
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
    { keepAliveTimeout: 5_000 },
    createRouter(state, modelsListBody(state.served)),
  );
  const host = options.host ?? "127.0.0.1";
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
      });
    },
  };
}
