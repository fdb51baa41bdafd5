/**
 * Suite 5 (child process): how fast the emulator serves, measured with the cheapest client
 * there is (node:http with a keep-alive agent, no parsing), so tests and the other suites can
 * be checked against it: a client row near these numbers would be limited by the emulator.
 * On 2 cores the load generator shares the machine with the emulator, so this is a floor.
 */
import http from "node:http";
import {
  BENCH_API_KEY,
  BENCH_MESSAGES,
  BENCH_MODEL,
  BENCH_THINKING,
  streamHeaders,
} from "../clients/client.ts";
import { childInput, runSuite } from "../lib/child.ts";
import { runConcurrent } from "../lib/concurrency.ts";
import { summarize } from "../lib/stats.ts";

/** Input from the orchestrator. */
export interface EmulatorThroughputInput {
  baseURL: string;
  requests: number;
  concurrency: number;
  streamReplyTokens: number;
  streams: number;
}

/** What the emulator sustained. */
export interface EmulatorThroughput {
  concurrency: number;
  requests: number;
  requestsPerSecond: number;
  medianMs: number;
  p99Ms: number;
  streamReplyTokens: number;
  streams: number;
  /** SSE events per second the emulator writes for one stream at a time (no delay). */
  streamChunksPerSecond: number;
}

function post(
  agent: http.Agent,
  url: URL,
  body: string,
  headers: Record<string, string>,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          authorization: `Bearer ${BENCH_API_KEY}`,
          ...headers,
        },
      },
      (response) => {
        const parts: Buffer[] = [];
        response.on("data", (part: Buffer) => parts.push(part));
        response.on("end", () =>
          response.statusCode === 200
            ? resolve(Buffer.concat(parts))
            : reject(new Error(`HTTP ${response.statusCode}: ${Buffer.concat(parts)}`)),
        );
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

function countEvents(body: Buffer): number {
  let count = 0;
  let from = 0;
  for (;;) {
    const at = body.indexOf("data: ", from);
    if (at < 0) return count;
    count++;
    from = at + 6;
  }
}

async function main(): Promise<EmulatorThroughput> {
  const input = childInput<EmulatorThroughputInput>();
  const url = new URL(`${input.baseURL}/chat/completions`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: input.concurrency });
  const base = { model: BENCH_MODEL, messages: BENCH_MESSAGES, thinking: BENCH_THINKING };
  const chatBody = JSON.stringify(base);
  const streamBody = JSON.stringify({ ...base, stream: true });
  const send = () => post(agent, url, chatBody, {});
  await runConcurrent(Math.min(1000, input.requests), input.concurrency, send);
  const run = await runConcurrent(input.requests, input.concurrency, send);
  if (run.errors > 0) throw run.firstError;
  const summary = summarize(run.latenciesMs);

  for (let i = 0; i < 3; i++)
    await post(agent, url, streamBody, streamHeaders(input.streamReplyTokens));
  let events = 0;
  let streamMs = 0;
  for (let i = 0; i < input.streams; i++) {
    const started = performance.now();
    const body = await post(agent, url, streamBody, streamHeaders(input.streamReplyTokens));
    streamMs += performance.now() - started;
    events += countEvents(body);
  }
  agent.destroy();
  return {
    concurrency: input.concurrency,
    requests: input.requests,
    requestsPerSecond: input.requests / (run.elapsedMs / 1000),
    medianMs: summary.median,
    p99Ms: summary.p99,
    streamReplyTokens: input.streamReplyTokens,
    streams: input.streams,
    streamChunksPerSecond: events / (streamMs / 1000),
  };
}

runSuite(main);
