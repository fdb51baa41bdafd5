/**
 * A server that answers every chat request with one stream recorded from the emulator, written
 * in a single write. It costs nearly nothing per chunk, so a client streaming from it is limited
 * by its own decoding: this is how "chunks per second our decoding sustains" is measured.
 * Runs in its own process, like the emulator.
 */
import http from "node:http";
import {
  BENCH_API_KEY,
  BENCH_MESSAGES,
  BENCH_MODEL,
  BENCH_THINKING,
  streamHeaders,
} from "./clients/client.ts";
import { childInput, sendToParent } from "./lib/child.ts";

/** Input from the orchestrator. */
export interface ReplayInput {
  /** Where to record the stream from. */
  emulatorBaseURL: string;
  replyTokens: number;
}

async function record(input: ReplayInput): Promise<Buffer> {
  const response = await fetch(`${input.emulatorBaseURL}/chat/completions`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${BENCH_API_KEY}`,
      ...streamHeaders(input.replyTokens),
    },
    body: JSON.stringify({
      model: BENCH_MODEL,
      messages: BENCH_MESSAGES,
      thinking: BENCH_THINKING,
      stream: true,
      stream_options: { include_usage: true },
    }),
  });
  if (!response.ok) throw new Error(`recording failed: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

async function main(): Promise<void> {
  const input = childInput<ReplayInput>();
  const recorded = await record(input);
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        "content-length": recorded.length,
      });
      response.end(recorded);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  const stop = () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("disconnect", stop);
  sendToParent({
    type: "ready",
    data: { baseURL: `http://127.0.0.1:${address.port}/v1`, bytes: recorded.length },
  });
}

main().catch((error: unknown) => {
  sendToParent({ type: "error", message: `replay server failed: ${String(error)}` });
  process.exit(1);
});
