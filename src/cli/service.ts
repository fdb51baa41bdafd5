/**
 * Connects a command to the service: validates the `KIMI_*` configuration, and when no
 * KIMI_API_KEY is set either uses the loopback KIMI_BASE_URL the user set (their own emulator or
 * gateway) or starts the embedded emulator in-process and answers from it ("no key, no
 * problem"). The emulator is imported only on that path, to keep cold start fast.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { KimiWarning } from "kimi-provider";
import { createKimi, type Kimi, type KimiOptions, type RetryEvent } from "kimi-provider";
import {
  isLoopbackBaseURL,
  redactText,
  resolveConfig,
  resolveStateDir,
} from "kimi-provider/internal";
import type { RunningEmulator } from "../emulator/index.ts";
import type { CliContext } from "./context.ts";
import { retryLine } from "./retry-line.ts";
import { verboseLogger } from "./verbose-log.ts";

/** The line printed on stderr when answers come from the emulator. */
export const NO_KEY_NOTICE = "no KIMI_API_KEY: answering from the local emulator";

/** Key the CLI gives its own in-process emulator (which accepts any key). */
const EMULATOR_KEY = "sk-local-emulator";

/**
 * The registry identity of the CLI's in-process emulator: it gets a new port on every run, but
 * its files live in one directory under the state directory, so its uploads are recorded under
 * this one name and a later `files cleanup` or `files delete` finds them.
 */
export const EMULATOR_REGISTRY_BASE_URL = "emulator:local";

/** How a command wants the service. */
export interface ServiceOptions {
  /** `--verbose` given to the command. */
  verbose: boolean;
  /** In emulator mode, delay between streamed chunks so the text appears progressively. */
  emulatorChunkDelayMs?: number;
}

/** A connected client, and the emulator behind it when there is no key. */
export interface ServiceSession {
  readonly kimi: Kimi;
  /** Set when answers come from the in-process emulator. */
  readonly emulator: RunningEmulator | undefined;
  /** Strings to redact from anything printed. */
  readonly secrets: readonly string[];
  /** Closes the emulator, if one was started. */
  close(): Promise<void>;
}

/** Where a command's client should point: the client options, and the emulator behind them. */
export interface ServiceTarget {
  /** Options for `createKimi()`: the environment, plus the emulator's URL and key when keyless. */
  readonly options: KimiOptions;
  /** Set when answers come from the in-process emulator. */
  readonly emulator: RunningEmulator | undefined;
  /** Strings to redact from anything printed. */
  readonly secrets: readonly string[];
  /** Closes the emulator, if one was started. */
  close(): Promise<void>;
}

/**
 * Opens the service for a command. Throws `ConfigurationError` (exit 2) for an invalid `KIMI_*`
 * variable before anything is started or sent.
 */
export async function openService(
  context: CliContext,
  options: ServiceOptions,
): Promise<ServiceSession> {
  const target = await openServiceTarget(context, options);
  return {
    kimi: createKimi(target.options),
    emulator: target.emulator,
    secrets: target.secrets,
    close: () => target.close(),
  };
}

/**
 * Like {@link openService}, but returns the client options instead of one client, for commands
 * that create several clients (`mcp`: one per session).
 */
export async function openServiceTarget(
  context: CliContext,
  options: ServiceOptions,
): Promise<ServiceTarget> {
  const { env, terminal } = context;
  const verbose = options.verbose || context.verbose;
  const config = resolveConfig({}, env);
  const secrets = config.apiKey === undefined ? [] : [config.apiKey];
  const onRetry = (event: RetryEvent) => {
    // --verbose logs retries itself.
    if (!verbose) terminal.err(terminal.dim(`kimi-provider: ${retryLine(event)}\n`));
  };
  const debug = verbose ? verboseLogger(terminal, secrets) : undefined;
  // Library warnings (a retired model answered by its successor, a small output cap on a
  // thinking model...) go to stderr, one line each, so stdout stays the answer.
  const onWarning = (warning: KimiWarning) => {
    terminal.err(
      `kimi-provider: warning (${warning.code}): ${redactText(warning.message, secrets)}\n`,
    );
  };

  if (config.apiKey !== undefined) {
    const clientOptions: KimiOptions = { env, onRetry, onWarning, ...(debug ? { debug } : {}) };
    return { options: clientOptions, emulator: undefined, secrets, close: async () => undefined };
  }
  const customBaseURL = (env.KIMI_BASE_URL ?? "").trim() !== "";
  if (customBaseURL && isLoopbackBaseURL(config.baseURL)) {
    // The user's own emulator or gateway: requests there carry a placeholder key.
    terminal.err(
      `no KIMI_API_KEY: answering from KIMI_BASE_URL=${config.baseURL} (your local emulator or gateway)\n`,
    );
    const clientOptions: KimiOptions = { env, onRetry, onWarning, ...(debug ? { debug } : {}) };
    return { options: clientOptions, emulator: undefined, secrets, close: async () => undefined };
  }

  const { startEmulator } = await import("../emulator/index.ts");
  // Files uploaded in no-key mode live under the state directory, so `files upload` then
  // `files list` in a later run behave like the real service.
  const filesDir = join(resolveStateDir(undefined, env), "emulator-files");
  await mkdir(filesDir, { recursive: true });
  const emulator = await startEmulator({
    filesDir,
    ...(options.emulatorChunkDelayMs === undefined
      ? {}
      : { chunkDelayMs: options.emulatorChunkDelayMs }),
  });
  terminal.err(
    customBaseURL
      ? `${NO_KEY_NOTICE} (KIMI_BASE_URL=${config.baseURL} needs a key; only a loopback one is used without)\n`
      : `${NO_KEY_NOTICE}\n`,
  );
  const clientOptions: KimiOptions = {
    env,
    apiKey: EMULATOR_KEY,
    baseURL: emulator.baseURL,
    fileRegistryBaseURL: EMULATOR_REGISTRY_BASE_URL,
    onRetry,
    onWarning,
    ...(debug ? { debug } : {}),
  };
  return { options: clientOptions, emulator, secrets, close: () => emulator.close() };
}
