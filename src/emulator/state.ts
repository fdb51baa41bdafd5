/**
 * The shared state of one running emulator, built once from the options and handed to every
 * handler (so handlers stay free of option parsing).
 */
import type { ModelInfo } from "../models/model-info.ts";
import type { FaultSchedule } from "./faults.ts";
import type { FileStore } from "./file-store.ts";
import type { PromptCache } from "./prompt-cache.ts";
import type { RateLimiter } from "./rate-limiter.ts";
import type { RequestBudget } from "./request-budget.ts";
import type { LogSink, RequestRecorder } from "./request-log.ts";
import type { SpoolDirectory } from "./upload-spool.ts";

/** Balance in USD. */
export interface BalanceState {
  cash: number;
  voucher: number;
}

/** The resource limits handlers apply (resolved from the options, defaults filled in). */
export interface ResourceLimits {
  /** Largest JSON request body in bytes. */
  maxRequestBytes: number;
  /** Largest `x-emulator-reply-tokens` (and `replyTokens` option). */
  maxReplyTokens: number;
  /** Upload bytes kept in memory before the rest goes to a temporary file. */
  uploadMemoryBytes: number;
  /** How long a write waits for a client that reads nothing before the socket is closed. */
  stalledWriteMs: number;
}

/** State shared by the handlers of one emulator. */
export interface EmulatorState {
  apiKey: string | undefined;
  served: ReadonlyMap<string, ModelInfo>;
  seed: number;
  fingerprint: string;
  chunkDelayMs: number;
  replyTokens: number | undefined;
  balance: BalanceState;
  quotaExhausted: boolean;
  cache: PromptCache;
  limiter: RateLimiter;
  faults: FaultSchedule;
  files: FileStore;
  recorder: RequestRecorder;
  log: LogSink;
  limits: ResourceLimits;
  /** Request-body bytes held in memory at once, over all requests. */
  bodyBudget: RequestBudget;
  /** Where large uploads wait while they are parsed. */
  uploadSpool: SpoolDirectory;
  /** How many times each `x-emulator-fault` value with `times=N` has been applied. */
  headerFaultUses: Map<string, number>;
  /** Resolves after `ms`, or at once when the emulator closes. */
  sleep(ms: number): Promise<void>;
}

/** `available_balance`: cash + voucher, or only the voucher when cash is negative (docs). */
export function availableBalance(balance: BalanceState): number {
  return balance.cash < 0 ? balance.voucher : balance.cash + balance.voucher;
}
