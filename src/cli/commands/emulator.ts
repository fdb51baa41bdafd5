/**
 * `kimi-provider emulator [--port N] [--host H]`: runs the local Moonshot-compatible emulator
 * until SIGINT/SIGTERM, for trying clients and for CI (docs/emulator.md).
 */
import { optionalNumberFlag, parseCommandArgs, rejectPositionals } from "../arguments.ts";
import type { CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { UsageError } from "../usage-error.ts";

/** Port used when `--port` is not given. */
export const DEFAULT_EMULATOR_PORT = 8787;

/** Runs `kimi-provider emulator`. */
export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs("emulator", args, {
    port: { type: "string" },
    host: { type: "string" },
    seed: { type: "string" },
    "chunk-delay": { type: "string" },
    log: { type: "boolean" },
  });
  rejectPositionals("emulator", positionals);
  const port =
    optionalNumberFlag(values.port, "--port", {
      min: 0,
      max: 65_535,
      integer: true,
      describe: "a TCP port from 0 to 65535 (0 picks a free one)",
    }) ?? DEFAULT_EMULATOR_PORT;
  const seed = optionalNumberFlag(values.seed, "--seed", {
    integer: true,
    describe: "a whole number",
  });
  const chunkDelayMs = optionalNumberFlag(values["chunk-delay"], "--chunk-delay", {
    min: 0,
    max: 60_000,
    describe: "milliseconds from 0 to 60000",
  });
  const host = values.host ?? "127.0.0.1";
  const { terminal } = context;

  const { startEmulator } = await import("../../emulator/index.ts");
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator({
      port,
      host,
      ...(seed === undefined ? {} : { seed }),
      ...(chunkDelayMs === undefined ? {} : { chunkDelayMs }),
      ...(values.log ? { log: (line: string) => terminal.err(`${line}\n`) } : {}),
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "EADDRINUSE") {
      throw new UsageError(
        "--port",
        `Port ${port} is already in use: pick another with --port N (0 picks a free one).`,
        "emulator",
      );
    }
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EACCES") {
      throw new UsageError(
        "--host",
        `Cannot listen on ${host}:${port} (${String(code)}): check --host and --port.`,
        "emulator",
      );
    }
    throw error;
  }
  terminal.out(
    `Moonshot emulator listening on ${emulator.baseURL}\n\n` +
      "Point clients at it (any key is accepted):\n" +
      `  export KIMI_BASE_URL=${emulator.baseURL}\n` +
      "  export KIMI_API_KEY=sk-emulator\n" +
      `OpenAI-compatible SDKs: baseURL "${emulator.baseURL}", any apiKey.\n\n` +
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
