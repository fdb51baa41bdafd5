/**
 * `kimi-provider emulator [--port N] [--host H] [--lineup L] [--api-key KEY] [--rpm N] [--tpm N]
 * [--concurrency N] [--chunk-delay MS] [--seed N] [--log]`: runs the local Moonshot-compatible
 * emulator until SIGINT/SIGTERM, for trying clients and for CI (docs/emulator.md).
 */

import {
  CURRENT_LINEUP,
  isLineup,
  LINEUPS,
  type Lineup,
  lineupModels,
} from "kimi-provider/internal";
import { isLoopbackHost } from "../../emulator/loopback.ts";
import { optionalNumberFlag, parseCommandArgs, portFlag, rejectPositionals } from "../arguments.ts";
import type { CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { listenUsageError } from "../listen-error.ts";
import { UsageError } from "../usage-error.ts";

/** Port used when `--port` is not given. */
export const DEFAULT_EMULATOR_PORT = 8787;

function lineupFlag(value: string | undefined): Lineup {
  if (value === undefined) return CURRENT_LINEUP;
  if (isLineup(value)) return value;
  throw new UsageError(
    "--lineup",
    `--lineup ${JSON.stringify(value)} is not a lineup: valid lineups are ${Object.keys(LINEUPS).join(", ")} (default ${CURRENT_LINEUP}). Run \`kimi-provider emulator --help\` for the options.`,
    "emulator",
  );
}

function apiKeyFlag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === "" || /\s/.test(value)) {
    throw new UsageError(
      "--api-key",
      "--api-key needs a key without spaces (clients then send it as `Authorization: Bearer KEY`). Run `kimi-provider emulator --help` for the options.",
      "emulator",
    );
  }
  return value;
}

function limitFlag(value: string | undefined, flag: string, what: string): number | undefined {
  return optionalNumberFlag(value, flag, {
    min: 1,
    integer: true,
    describe: `a whole number of ${what} from 1 up (leave the flag out for no limit)`,
  });
}

/** Runs `kimi-provider emulator`. */
export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs("emulator", args, {
    port: { type: "string" },
    host: { type: "string" },
    seed: { type: "string" },
    "chunk-delay": { type: "string" },
    lineup: { type: "string" },
    "api-key": { type: "string" },
    rpm: { type: "string" },
    tpm: { type: "string" },
    concurrency: { type: "string" },
    log: { type: "boolean" },
  });
  rejectPositionals("emulator", positionals);
  const port = portFlag(values.port, DEFAULT_EMULATOR_PORT);
  const seed = optionalNumberFlag(values.seed, "--seed", {
    integer: true,
    describe: "a whole number",
  });
  const chunkDelayMs = optionalNumberFlag(values["chunk-delay"], "--chunk-delay", {
    min: 0,
    max: 60_000,
    describe: "milliseconds from 0 to 60000",
  });
  const lineup = lineupFlag(values.lineup);
  const apiKey = apiKeyFlag(values["api-key"]);
  const rpm = limitFlag(values.rpm, "--rpm", "requests per minute");
  const tpm = limitFlag(values.tpm, "--tpm", "tokens per minute");
  const concurrency = limitFlag(values.concurrency, "--concurrency", "requests at once");
  const host = values.host ?? "127.0.0.1";
  if (!isLoopbackHost(host) && apiKey === undefined) {
    // Beyond loopback anyone on the network could use the emulator: a key is required there.
    throw new UsageError(
      "--api-key",
      `--host ${host} is reachable from other machines, so --api-key KEY is required with it (clients then send \`Authorization: Bearer KEY\`). Leave --host out to listen on 127.0.0.1 only.`,
      "emulator",
    );
  }
  const { terminal } = context;

  const { startEmulator } = await import("../../emulator/index.ts");
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator({
      port,
      host,
      lineup,
      ...(apiKey === undefined ? {} : { apiKey }),
      limits: {
        ...(rpm === undefined ? {} : { rpm }),
        ...(tpm === undefined ? {} : { tpm }),
        ...(concurrency === undefined ? {} : { concurrency }),
      },
      ...(seed === undefined ? {} : { seed }),
      ...(chunkDelayMs === undefined ? {} : { chunkDelayMs }),
      ...(values.log ? { log: (line: string) => terminal.err(`${line}\n`) } : {}),
      onWarning: (line: string) => terminal.err(`${line}\n`),
    });
  } catch (error) {
    throw listenUsageError(error, { host, port, command: "emulator" }) ?? error;
  }
  const limits = [
    rpm === undefined ? "" : `${rpm} requests/min`,
    tpm === undefined ? "" : `${tpm} tokens/min`,
    concurrency === undefined ? "" : `${concurrency} at once`,
  ].filter((part) => part !== "");
  // The key itself is never printed: the user knows it, and terminals end up in logs.
  const keyLine =
    apiKey === undefined
      ? "Point clients at it (any key is accepted):\n"
      : "Point clients at it (requests must carry the key given to --api-key):\n";
  const keyExport =
    apiKey === undefined
      ? "  export KIMI_API_KEY=sk-emulator\n"
      : "  export KIMI_API_KEY=<the key given to --api-key>\n";
  terminal.out(
    `Moonshot emulator listening on ${emulator.baseURL}\n` +
      `Lineup ${lineup}: ${lineupModels(lineup)
        .map((model) => model.id)
        .join(", ")}\n` +
      (limits.length > 0 ? `Limits: ${limits.join(", ")}\n` : "") +
      `\n${keyLine}` +
      `  export KIMI_BASE_URL=${emulator.baseURL}\n` +
      keyExport +
      `OpenAI-compatible SDKs: baseURL "${emulator.baseURL}", ${apiKey === undefined ? "any apiKey" : "the same apiKey"}.\n\n` +
      "Ctrl-C stops it.\n",
  );
  await new Promise<void>((resolve) => {
    if (context.signal.aborted) resolve();
    else context.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  await emulator.close();
  terminal.err("emulator stopped\n");
  return EXIT.ok;
}
