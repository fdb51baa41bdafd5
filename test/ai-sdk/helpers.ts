/** Shared setup of the AI SDK tests: an emulator, a provider pointed at it, its request log. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createKimiProvider,
  type KimiProvider,
  type KimiProviderOptions,
} from "../../src/ai-sdk/index.ts";
import {
  type EmulatorOptions,
  type RecordedRequest,
  type RunningEmulator,
  startEmulator,
} from "../../src/emulator/index.ts";

// The warnings are asserted from results; the AI SDK would also print each one.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

/** The key every test provider uses; it must never show up in an error. */
export const TEST_API_KEY = "sk-ai-sdk-test-key-1234567890";

/** An emulator, a temp state directory, and a provider factory bound to both. */
export interface AiSdkFixture {
  emu: RunningEmulator;
  /** A temp directory for the client's local state (removed by `close()`). */
  stateDir: string;
  /** A provider for the emulator (fast retries, no environment, temp state dir). */
  provider(options?: KimiProviderOptions): KimiProvider;
  /** Chat completion requests the emulator received, in order. */
  chatRequests(): RecordedRequest[];
  /** The body of the last chat completion request. */
  lastChatBody(): Record<string, unknown>;
  close(): Promise<void>;
}

/** Starts the fixture; call `close()` in `after()`. */
export async function startFixture(options: EmulatorOptions = {}): Promise<AiSdkFixture> {
  const emu = await startEmulator({ seed: 5, ...options });
  const stateDir = await mkdtemp(join(tmpdir(), "kimi-ai-sdk-"));
  const chatRequests = () => emu.requests.filter((r) => r.path === "/v1/chat/completions");
  return {
    emu,
    stateDir,
    provider: (extra = {}) =>
      createKimiProvider({
        apiKey: TEST_API_KEY,
        baseURL: emu.baseURL,
        env: {},
        stateDir,
        retry: { baseDelayMs: 1, maxDelayMs: 1_000 },
        ...extra,
      }),
    chatRequests,
    lastChatBody() {
      const last = chatRequests().at(-1);
      if (!last) throw new Error("the emulator received no chat request");
      return last.body as Record<string, unknown>;
    },
    async close() {
      await emu.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** Prices of kimi-k2.6 in USD per million tokens, from the catalog (cache hit, miss, output). */
export const K26_PRICES = { hit: 0.16, miss: 0.95, output: 4 } as const;

/** Rounds away binary noise the way the library rounds every amount (to 1e-12 USD). */
function money(value: number): number {
  return Math.round(value * 1e12) / 1e12;
}

/**
 * The expected cost of a call from its usage: cached prompt tokens at the cache-hit price, the
 * rest at the miss price, output (reasoning included) at the output price.
 */
export function expectedCost(
  prices: { hit: number; miss: number; output: number },
  usage: { input: number; cached: number; output: number },
): number {
  const cached = money((usage.cached * prices.hit) / 1_000_000);
  const uncached = money(((usage.input - usage.cached) * prices.miss) / 1_000_000);
  const output = money((usage.output * prices.output) / 1_000_000);
  return money(money(cached + uncached) + output);
}
