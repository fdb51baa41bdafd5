/**
 * Runs the gateway (from the BUILT output, `dist/gateway/index.js`) in its own process, in front
 * of the benchmark's emulator, with its embedded database in a fresh temporary state directory.
 * Reports `{ baseURL, startupMs }` when listening; exits on SIGTERM.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childInput, sendToParent } from "./lib/child.ts";

/** Input from the orchestrator. */
export interface GatewayChildInput {
  /** The emulator's base URL. */
  upstream: string;
}

interface RunningGatewayLike {
  baseURL: string;
  close(): Promise<void>;
}

const GATEWAY_ENTRY = new URL("../dist/gateway/index.js", import.meta.url);

async function main(): Promise<void> {
  const input = childInput<GatewayChildInput>();
  const module = (await import(GATEWAY_ENTRY.href)) as { startGateway?: unknown };
  if (typeof module.startGateway !== "function") {
    throw new Error("dist/gateway/index.js exports no startGateway (run `npm run build`)");
  }
  const start = module.startGateway as (options: object) => Promise<RunningGatewayLike>;
  const stateDir = mkdtempSync(join(tmpdir(), "kimi-bench-gateway-"));
  const started = performance.now();
  const gateway = await start({
    port: 0,
    apiKey: "sk-bench",
    baseURL: input.upstream,
    stateDir,
    env: {},
  });
  const startupMs = performance.now() - started;
  const stop = () => {
    void gateway.close().finally(() => {
      rmSync(stateDir, { recursive: true, force: true });
      process.exit(0);
    });
  };
  process.on("SIGTERM", stop);
  process.on("disconnect", stop);
  sendToParent({ type: "ready", data: { baseURL: gateway.baseURL, startupMs } });
}

main().catch((error: unknown) => {
  sendToParent({ type: "error", message: `gateway failed to start: ${String(error)}` });
  process.exit(1);
});
