/**
 * Where the gateway sends requests: Moonshot with `KIMI_API_KEY` / `KIMI_BASE_URL`, or, when no
 * key is set, the embedded emulator started in-process (as the CLI does, src/cli/service.ts). One
 * library transport carries every upstream call, with its retry rules (src/http/retry-policy.ts:
 * the wait named in the message or `Retry-After`, never after the first byte of a stream).
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { RetryEvent, RetryPolicy } from "kimi-provider";
import { DEFAULT_RETRY_POLICY, HttpTransport, resolveConfig } from "kimi-provider/internal";
import type { EmulatorOptions, RunningEmulator } from "../emulator/index.ts";

/** Key the gateway gives its own in-process emulator (which accepts any key). */
const EMULATOR_KEY = "sk-local-emulator";

/** The upstream service. */
export interface Upstream {
  /** The transport every upstream call goes through. */
  readonly transport: HttpTransport;
  /** Base URL, e.g. `https://api.moonshot.ai/v1`. */
  readonly baseURL: string;
  /** The in-process emulator, when there was no key. */
  readonly emulator: RunningEmulator | undefined;
  /** The upstream key, to redact from anything the gateway writes. */
  readonly secret: string | undefined;
  /** Stops the emulator, if one was started. */
  close(): Promise<void>;
}

/** How to reach upstream. */
export interface UpstreamOptions {
  /** `KIMI_*` variables. */
  env: Record<string, string | undefined>;
  /** Overrides `KIMI_API_KEY`. */
  apiKey?: string | undefined;
  /** Overrides `KIMI_BASE_URL`. */
  baseURL?: string | undefined;
  /** Retry settings over the library's defaults (`KIMI_MAX_RETRIES` sets `maxRetries`). */
  retry?: Partial<RetryPolicy> | undefined;
  /** Options of the embedded emulator, used only when there is no key. */
  emulator?: EmulatorOptions | undefined;
  /** State directory (the emulator keeps its files there). */
  stateDir: string;
  /** Called before each retry. */
  onRetry?: (event: RetryEvent) => void;
}

/** Connects to upstream, starting the emulator when there is no key. */
export async function openUpstream(options: UpstreamOptions): Promise<Upstream> {
  const config = resolveConfig(
    {
      ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
      ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
    },
    options.env,
  );
  const retry = { ...DEFAULT_RETRY_POLICY, maxRetries: config.maxRetries, ...options.retry };
  const transport = (baseURL: string, apiKey: string) =>
    new HttpTransport({
      baseURL,
      apiKey,
      timeoutMs: config.timeoutMs,
      retry,
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    });
  if (config.apiKey !== undefined) {
    return {
      transport: transport(config.baseURL, config.apiKey),
      baseURL: config.baseURL,
      emulator: undefined,
      secret: config.apiKey,
      close: async () => undefined,
    };
  }
  const { startEmulator } = await import("../emulator/index.ts");
  const filesDir = join(options.stateDir, "emulator-files");
  await mkdir(filesDir, { recursive: true });
  const emulator = await startEmulator({ filesDir, ...options.emulator });
  return {
    transport: transport(emulator.baseURL, EMULATOR_KEY),
    baseURL: emulator.baseURL,
    emulator,
    secret: undefined,
    close: () => emulator.close(),
  };
}
