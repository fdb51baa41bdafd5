/**
 * Runs the gateway (from the BUILT output, `dist/gateway/index.js`) in its own process, in front
 * of the benchmark's emulator, with its embedded database in a fresh temporary state directory.
 * Reports `{ baseURL, startupMs }` when listening; exits on SIGTERM.
 *
 * With `floor: true` it runs instead the floor of any proxy hop: a bare `node:http` pass-through
 * (body read whole, sent upstream over a keep-alive agent, the answer sent back, nothing parsed),
 * so the report can tell the cost of an extra process and loopback hop on this machine from the
 * gateway's own work.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childInput, sendToParent } from "./lib/child.ts";

/** Input from the orchestrator. */
export interface GatewayChildInput {
  /** The emulator's base URL. */
  upstream: string;
  /** Run the bare pass-through proxy instead of the gateway. */
  floor?: boolean;
  /** Another build's `dist/gateway/index.js` (a file URL), to compare builds; default this one's. */
  entry?: string;
}

interface RunningGatewayLike {
  baseURL: string;
  close(): Promise<void>;
}

const GATEWAY_ENTRY = new URL("../dist/gateway/index.js", import.meta.url);

function read(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}

/** The bare proxy: what any hop costs, with none of the gateway's work. */
async function startFloorProxy(upstream: string): Promise<RunningGatewayLike> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    void read(req).then((body) => {
      const outgoing = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: `${target.pathname}${(req.url ?? "").replace(/^\/v1/, "")}`,
          agent,
          headers: {
            "content-type": "application/json",
            authorization: req.headers.authorization ?? "",
            "content-length": body.length,
          },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, {
            "content-type": answer.headers["content-type"] ?? "application/json",
          });
          // Streams pass chunk by chunk as they arrive.
          answer.pipe(res);
        },
      );
      outgoing.on("error", () => res.destroy());
      outgoing.end(body);
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

async function main(): Promise<void> {
  const input = childInput<GatewayChildInput>();
  if (input.floor === true) {
    const floor = await startFloorProxy(input.upstream);
    const stop = () => void floor.close().finally(() => process.exit(0));
    process.on("SIGTERM", stop);
    process.on("disconnect", stop);
    sendToParent({ type: "ready", data: { baseURL: floor.baseURL, startupMs: 0 } });
    return;
  }
  const module = (await import(input.entry ?? GATEWAY_ENTRY.href)) as { startGateway?: unknown };
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
