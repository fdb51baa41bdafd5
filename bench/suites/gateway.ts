/**
 * Suite (child process): what the gateway adds. The same raw requests go to the emulator directly
 * and through the gateway (its own process, embedded database): non-streamed latency at a given
 * concurrency, in interleaved rounds; time to first token of streams; and the gateway process's
 * resident memory over many requests (read from /proc, so Linux only).
 */
import { readFileSync } from "node:fs";
import type { RoundPlan } from "../config.ts";
import { childInput, runSuite } from "../lib/child.ts";
import { runConcurrent } from "../lib/concurrency.ts";
import { type Summary, summarize } from "../lib/stats.ts";

/** Input from the orchestrator. */
export interface GatewayBenchInput {
  directBaseURL: string;
  gatewayBaseURL: string;
  gatewayPid: number;
  startupMs: number;
  concurrency: number;
  plan: RoundPlan;
  streams: number;
  memoryRequests: number;
  sampleEvery: number;
}

/** What the suite measured. */
export interface GatewayBench {
  startupMs: number;
  concurrency: number;
  direct: Summary;
  gateway: Summary;
  /** Gateway minus direct, at the median and at p99, in ms. */
  addedP50Ms: number;
  addedP99Ms: number;
  ttftDirect: Summary;
  ttftGateway: Summary;
  /** Resident memory of the gateway process, in MiB, every `sampleEvery` requests. */
  rssMiB: number[];
  memoryRequests: number;
}

// A model that can turn thinking off, with thinking off: content chunks only.
const BODY = {
  model: "kimi-k2.6",
  thinking: { type: "disabled" },
  messages: [{ role: "user", content: "Say hello in one short sentence." }],
};

function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Math.round((kib / 1024) * 10) / 10;
  } catch {
    return Number.NaN;
  }
}

async function chat(baseURL: string): Promise<void> {
  const response = await fetch(`${baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-bench" },
    body: JSON.stringify(BODY),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
}

async function timeToFirstToken(baseURL: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-bench" },
    body: JSON.stringify({ ...BODY, stream: true }),
  });
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
  let first = Number.NaN;
  let seen = "";
  const decoder = new TextDecoder();
  for await (const bytes of response.body) {
    seen += decoder.decode(bytes as Uint8Array, { stream: true });
    if (Number.isNaN(first) && /"content":"[^"]/.test(seen)) first = performance.now() - started;
  }
  if (Number.isNaN(first)) throw new Error("no content chunk in the stream");
  return first;
}

async function main(): Promise<GatewayBench> {
  const input = childInput<GatewayBenchInput>();
  const targets = [input.directBaseURL, input.gatewayBaseURL];
  const samples: number[][] = [[], []];
  for (const baseURL of targets) {
    const warm = await runConcurrent(input.plan.warmup, input.concurrency, () => chat(baseURL));
    if (warm.errors > 0) throw warm.firstError;
  }
  for (let round = 0; round < input.plan.rounds; round++) {
    // Alternate which goes first, so drift of the machine falls on both evenly.
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const index of order) {
      const baseURL = targets[index] ?? "";
      const run = await runConcurrent(input.plan.perRound, input.concurrency, () => chat(baseURL));
      if (run.errors > 0) throw run.firstError;
      samples[index]?.push(...run.latenciesMs);
    }
  }
  const ttft: number[][] = [[], []];
  for (let i = 0; i < input.streams; i++) {
    for (const index of i % 2 === 0 ? [0, 1] : [1, 0]) {
      ttft[index]?.push(await timeToFirstToken(targets[index] ?? ""));
    }
  }
  const rss: number[] = [rssMiB(input.gatewayPid)];
  for (let done = 0; done < input.memoryRequests; done += input.sampleEvery) {
    const run = await runConcurrent(input.sampleEvery, 16, () => chat(input.gatewayBaseURL));
    if (run.errors > 0) throw run.firstError;
    rss.push(rssMiB(input.gatewayPid));
  }
  const direct = summarize(samples[0] ?? []);
  const gateway = summarize(samples[1] ?? []);
  return {
    startupMs: input.startupMs,
    concurrency: input.concurrency,
    direct,
    gateway,
    addedP50Ms: gateway.median - direct.median,
    addedP99Ms: gateway.p99 - direct.p99,
    ttftDirect: summarize(ttft[0] ?? []),
    ttftGateway: summarize(ttft[1] ?? []),
    rssMiB: rss,
    memoryRequests: input.memoryRequests,
  };
}

runSuite(main);
