/**
 * Suite (child process): what the gateway adds. The same raw requests go to the emulator directly,
 * through the floor of any proxy hop (a bare node:http pass-through in its own process, started
 * here), and through the gateway (its own process, embedded database): non-streamed latency at
 * the given concurrency and one at a time, in interleaved rounds; the CPU the gateway and the
 * floor spend per request; time to first token of streams; and the gateway process's resident
 * memory over many requests (CPU and memory read from /proc, so Linux only).
 *
 * At concurrency 64 on a machine with fewer cores than processes (client, gateway, emulator),
 * the added latency is mostly the gateway's CPU per request times the queue: the one-at-a-time
 * rows and the CPU per request show the gateway's own cost, and the floor rows what any extra
 * process and hop cost on the same machine in the same run.
 */
import { readFileSync } from "node:fs";
import type { RoundPlan } from "../config.ts";
import { childInput, runSuite, startServiceChild } from "../lib/child.ts";
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
  /** The bare pass-through proxy at the same concurrency (absent in older reports). */
  floor?: Summary;
  /** One request at a time (absent in older reports). */
  sequential?: { direct: Summary; floor: Summary; gateway: Summary };
  /** CPU (user + system) of the gateway and floor processes per request of the rounds, in ms. */
  gatewayCpuMsPerRequest?: number;
  floorCpuMsPerRequest?: number;
  ttftDirect: Summary;
  ttftGateway: Summary;
  ttftFloor?: Summary;
  /** Resident memory of the gateway process, in MiB, every `sampleEvery` requests. */
  rssMiB: number[];
  /** Last sample minus the one after the first `sampleEvery` requests (absent in older reports). */
  rssGrowthAfterWarmupMiB?: number;
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

/** CPU time (user + system) `pid` has used, in ms; NaN where /proc is missing. */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces): utime is the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** `getconf CLK_TCK` on Linux: /proc reports CPU time in these. */
const CLOCK_TICKS_PER_SECOND = 100;

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
  const floorChild = await startServiceChild<{ baseURL: string }>(
    new URL("../gateway-child.ts", import.meta.url),
    { input: { upstream: input.directBaseURL, floor: true } },
  );
  try {
    return await measure(input, floorChild.data.baseURL, floorChild.process.pid ?? 0);
  } finally {
    await floorChild.stop();
  }
}

async function measure(
  input: GatewayBenchInput,
  floorBaseURL: string,
  floorPid: number,
): Promise<GatewayBench> {
  // 0 direct, 1 floor, 2 gateway.
  const targets = [input.directBaseURL, floorBaseURL, input.gatewayBaseURL];
  const pids = [0, floorPid, input.gatewayPid];
  const samples: number[][] = [[], [], []];
  const sequential: number[][] = [[], [], []];
  const cpu = [0, 0, 0];
  const served = [0, 0, 0];
  for (const baseURL of targets) {
    const warm = await runConcurrent(input.plan.warmup, input.concurrency, () => chat(baseURL));
    if (warm.errors > 0) throw warm.firstError;
  }
  for (let round = 0; round < input.plan.rounds; round++) {
    // Rotate which goes first, so drift of the machine falls on all evenly.
    const order = [0, 1, 2].map((offset) => (round + offset) % 3);
    for (const index of order) {
      const baseURL = targets[index] ?? "";
      const cpuBefore = cpuMs(pids[index] ?? 0);
      const run = await runConcurrent(input.plan.perRound, input.concurrency, () => chat(baseURL));
      if (run.errors > 0) throw run.firstError;
      cpu[index] = (cpu[index] ?? 0) + cpuMs(pids[index] ?? 0) - cpuBefore;
      served[index] = (served[index] ?? 0) + input.plan.perRound;
      samples[index]?.push(...run.latenciesMs);
    }
    // One at a time: no queue, so the difference is each hop's own latency.
    for (const index of order) {
      const baseURL = targets[index] ?? "";
      const run = await runConcurrent(Math.ceil(input.plan.perRound / 2), 1, () => chat(baseURL));
      if (run.errors > 0) throw run.firstError;
      sequential[index]?.push(...run.latenciesMs);
    }
  }
  const ttft: number[][] = [[], [], []];
  for (let i = 0; i < input.streams; i++) {
    for (const offset of [0, 1, 2]) {
      const index = (i + offset) % 3;
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
  const gateway = summarize(samples[2] ?? []);
  return {
    startupMs: input.startupMs,
    concurrency: input.concurrency,
    direct,
    gateway,
    addedP50Ms: gateway.median - direct.median,
    addedP99Ms: gateway.p99 - direct.p99,
    floor: summarize(samples[1] ?? []),
    sequential: {
      direct: summarize(sequential[0] ?? []),
      floor: summarize(sequential[1] ?? []),
      gateway: summarize(sequential[2] ?? []),
    },
    gatewayCpuMsPerRequest: (cpu[2] ?? 0) / (served[2] || 1),
    floorCpuMsPerRequest: (cpu[1] ?? 0) / (served[1] || 1),
    ttftDirect: summarize(ttft[0] ?? []),
    ttftGateway: summarize(ttft[2] ?? []),
    ttftFloor: summarize(ttft[1] ?? []),
    rssMiB: rss,
    rssGrowthAfterWarmupMiB: (rss.at(-1) ?? Number.NaN) - (rss[1] ?? Number.NaN),
    memoryRequests: input.memoryRequests,
  };
}

runSuite(main);
