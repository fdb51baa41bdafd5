/**
 * Runs the emulator (from the BUILT output, `dist/emulator/index.js`) in its own process, so
 * its CPU never competes inside the event loop being measured (2-core machine: one core
 * serves, one measures). Reports `{ baseURL }` when listening; exits on SIGTERM.
 */
import { childInput, sendToParent } from "./lib/child.ts";

/** Input from the orchestrator. */
export interface EmulatorChildInput {
  seed: number;
}

interface RunningEmulatorLike {
  baseURL: string;
  clearRequests(): void;
  close(): Promise<void>;
}

const EMULATOR_ENTRY = new URL("../dist/emulator/index.js", import.meta.url);

async function main(): Promise<void> {
  const input = childInput<EmulatorChildInput | null>();
  const module = (await import(EMULATOR_ENTRY.href)) as { startEmulator?: unknown };
  if (typeof module.startEmulator !== "function") {
    throw new Error("dist/emulator/index.js exports no startEmulator (run `npm run build`)");
  }
  const start = module.startEmulator as (options: object) => Promise<RunningEmulatorLike>;
  // Every client of a suite keeps its own keep-alive pool open to this one emulator from one
  // address (7 clients × 64 sockets at concurrency 64, plus the memory suite's 1,000 streams):
  // the emulator's default connection caps (256 per client, 1,024 in all) would close sockets
  // mid-run and fail the c=64 rows.
  const emulator = await start({
    seed: input?.seed ?? 1,
    limits: { maxConnections: 8192, maxConnectionsPerClient: 8192 },
  });
  // The request log would grow by every benchmark request; nothing here reads it.
  const trim = setInterval(() => emulator.clearRequests(), 500);
  const stop = () => {
    clearInterval(trim);
    void emulator.close().finally(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("disconnect", stop);
  sendToParent({ type: "ready", data: { baseURL: emulator.baseURL } });
}

main().catch((error: unknown) => {
  sendToParent({ type: "error", message: `emulator failed to start: ${String(error)}` });
  process.exit(1);
});
