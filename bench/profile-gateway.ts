/**
 * Profiles the gateway: `node bench/profile.ts gateway <chat64|chat|stream>` runs the gateway
 * (built output, embedded PGlite) in its own process under `--cpu-prof`, in front of the emulator
 * (its own process), and drives it from this process with keep-alive `node:http` requests
 * (c=64 non-streamed, one at a time, or 50-chunk streams at c=8). Prints the gateway's CPU per
 * request (from /proc, Linux only) and where its time went after start-up.
 *
 * `node bench/profile.ts gateway compare <kind> <other dist/gateway/index.js>` runs this build and
 * another side by side (no profiler), in alternating rounds, and prints each one's CPU per
 * request: on a shared machine the CPU per request drifts with the load, so two builds are only
 * comparable measured in the same rounds. Kind `ttft`: time to first token of sequential
 * streams, direct and through each build in turn.
 *
 * Environment: `PROFILE_NO_PROF=1` (no profiler), `PROFILE_FLOOR=1` (the bare proxy instead),
 * `PROFILE_CALLS` (per round), `PROFILE_ROUNDS`, `PROFILE_ENTRY` (another build's
 * `dist/gateway/index.js` to profile).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { Agent } from "node:http";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { BENCH_CHAT_BODY, BENCH_STREAM_BODY, BENCH_WIRE_HEADERS } from "./clients/client.ts";
import { nodeHttpPost, readJson } from "./clients/node-http.ts";
import { type ServiceChild, startServiceChild } from "./lib/child.ts";
import { runConcurrent } from "./lib/concurrency.ts";

/** CPU time (user + system) `pid` has used, in ms (Linux /proc; 100 ticks per second). */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** One request of `kind` to the gateway at `baseURL`. */
function caller(baseURL: string, kind: string): () => Promise<unknown> {
  const url = new URL(`${baseURL}/chat/completions`);
  const target = { hostname: url.hostname, port: url.port, path: url.pathname };
  const agent = new Agent({ keepAlive: true });
  const streamed = kind === "stream";
  const headers = streamed
    ? { ...BENCH_WIRE_HEADERS, "x-emulator-reply-tokens": "50" }
    : BENCH_WIRE_HEADERS;
  const body = streamed ? BENCH_STREAM_BODY : BENCH_CHAT_BODY;
  return () =>
    nodeHttpPost<unknown>(
      agent,
      target,
      headers,
      body,
      streamed
        ? (response, done) => {
            response.on("data", () => undefined);
            response.on("end", () => done(undefined));
          }
        : readJson,
    );
}

function concurrencyOf(kind: string): number {
  return kind === "chat64" ? 64 : kind === "stream" ? 8 : 1;
}

/** Runs `calls` requests; returns the CPU `pid` spent per request and the median latency. */
async function round(
  pid: number,
  call: () => Promise<unknown>,
  calls: number,
  concurrency: number,
): Promise<{ cpuMs: number; p50: number; elapsedMs: number }> {
  const cpuBefore = processCpuMs(pid);
  const run = await runConcurrent(calls, concurrency, call);
  if (run.errors > 0) throw run.firstError;
  const cpu = processCpuMs(pid) - cpuBefore;
  const sorted = [...run.latenciesMs].sort((a, b) => a - b);
  return {
    cpuMs: cpu / calls,
    p50: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
    elapsedMs: run.elapsedMs,
  };
}

function startGatewayChild(
  upstream: string,
  entry: string | undefined,
  execArgv: string[] = [],
): Promise<ServiceChild<{ baseURL: string }>> {
  return startServiceChild<{ baseURL: string }>(new URL("./gateway-child.ts", import.meta.url), {
    input: { upstream, floor: process.env.PROFILE_FLOOR === "1", entry },
    execArgv,
  });
}

/** Time to the first content of a stream (as the bench's gateway suite measures it), in ms. */
async function timeToFirstToken(baseURL: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${baseURL}/chat/completions`, {
    method: "POST",
    headers: BENCH_WIRE_HEADERS,
    body: BENCH_STREAM_BODY,
  });
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
  let first = Number.NaN;
  let seen = "";
  const decoder = new TextDecoder();
  for await (const bytes of response.body) {
    seen += decoder.decode(bytes as Uint8Array, { stream: true });
    if (Number.isNaN(first) && /"content":"[^"]/.test(seen)) first = performance.now() - started;
  }
  return first;
}

/** This build against `otherEntry` in alternating rounds; prints CPU per request of each. */
async function compare(kind: string, otherEntry: string): Promise<void> {
  const emulator = await startServiceChild<{ baseURL: string }>(
    new URL("./emulator-child.ts", import.meta.url),
    { input: { seed: 1 } },
  );
  const other = pathToFileURL(resolve(otherEntry)).href;
  const gateways = [
    { name: "this build", child: await startGatewayChild(emulator.data.baseURL, undefined) },
    { name: otherEntry, child: await startGatewayChild(emulator.data.baseURL, other) },
  ];
  try {
    if (kind === "ttft") {
      const targets = [emulator.data.baseURL, ...gateways.map((g) => g.child.data.baseURL)];
      const names = ["direct", ...gateways.map((g) => g.name)];
      const samples: number[][] = targets.map(() => []);
      const count = Number(process.env.PROFILE_CALLS ?? 600);
      for (let index = 0; index < count; index++) {
        for (let offset = 0; offset < targets.length; offset++) {
          const which = (index + offset) % targets.length;
          samples[which]?.push(await timeToFirstToken(targets[which] ?? ""));
        }
      }
      const quantile = (values: number[], q: number) =>
        [...values].sort((a, b) => a - b)[Math.floor(values.length * q)] ?? Number.NaN;
      names.forEach((name, which) => {
        const values = (samples[which] ?? []).slice(50);
        process.stdout.write(
          `${name} TTFT p50 ${quantile(values, 0.5).toFixed(3)} ms, p90 ${quantile(values, 0.9).toFixed(3)} ms\n`,
        );
      });
      return;
    }
    const concurrency = concurrencyOf(kind);
    const calls = Number(process.env.PROFILE_CALLS ?? (kind === "stream" ? 1000 : 3000));
    const calls1 = gateways.map((g) => caller(g.child.data.baseURL, kind));
    for (const call of calls1) {
      const warm = await runConcurrent(500, concurrency, call);
      if (warm.errors > 0) throw warm.firstError;
    }
    const cpu: number[][] = [[], []];
    const p50: number[][] = [[], []];
    const rounds = Number(process.env.PROFILE_ROUNDS ?? 6);
    for (let index = 0; index < rounds; index++) {
      for (const which of index % 2 === 0 ? [0, 1] : [1, 0]) {
        const gateway = gateways[which];
        const call = calls1[which];
        if (gateway === undefined || call === undefined) continue;
        const result = await round(gateway.child.process.pid ?? 0, call, calls, concurrency);
        cpu[which]?.push(result.cpuMs);
        p50[which]?.push(result.p50);
      }
    }
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
    const differences = (cpu[0] ?? []).map((value, index) => value - (cpu[1]?.[index] ?? 0));
    process.stdout.write(
      `CPU ms/request, this build minus the other, paired by round: median ${median(differences).toFixed(3)}\n`,
    );
    gateways.forEach((gateway, which) => {
      process.stdout.write(
        `${gateway.name} ${kind}: CPU ms/request median ${median(cpu[which] ?? []).toFixed(3)} (rounds ${(cpu[which] ?? []).map((v) => v.toFixed(3)).join(" ")}), p50 median ${median(p50[which] ?? []).toFixed(2)} ms\n`,
      );
    });
  } finally {
    for (const gateway of gateways) await gateway.child.stop();
    await emulator.stop();
  }
}

/**
 * Runs the gateway workload `kind` (or `compare`, see the file comment); returns the path of the
 * profile written, if any.
 */
export async function profileGateway(
  args: readonly string[],
  directory: URL,
): Promise<string | undefined> {
  const [kind = "chat64", ...rest] = args;
  if (kind === "compare") {
    const [compared = "chat64", otherEntry] = rest;
    if (otherEntry === undefined) throw new Error("compare needs the other build's entry");
    await compare(compared, otherEntry);
    return undefined;
  }
  const profiling = process.env.PROFILE_NO_PROF !== "1";
  const emulator = await startServiceChild<{ baseURL: string }>(
    new URL("./emulator-child.ts", import.meta.url),
    { input: { seed: 1 } },
  );
  const before = Date.now();
  try {
    const entry = process.env.PROFILE_ENTRY;
    const gateway = await startGatewayChild(
      emulator.data.baseURL,
      entry === undefined ? undefined : pathToFileURL(resolve(entry)).href,
      profiling ? ["--cpu-prof", `--cpu-prof-dir=${fileURLToPath(directory)}`] : [],
    );
    try {
      const call = caller(gateway.data.baseURL, kind);
      const concurrency = concurrencyOf(kind);
      const calls = Number(process.env.PROFILE_CALLS ?? (kind === "stream" ? 2000 : 6000));
      const warm = await runConcurrent(500, concurrency, call);
      if (warm.errors > 0) throw warm.firstError;
      const rounds = Number(process.env.PROFILE_ROUNDS ?? 1);
      for (let index = 0; index < rounds; index++) {
        const result = await round(gateway.process.pid ?? 0, call, calls, concurrency);
        process.stdout.write(
          `gateway ${kind}: ${calls} calls in ${result.elapsedMs.toFixed(0)} ms, gateway CPU ${result.cpuMs.toFixed(3)} ms/request, p50 ${result.p50.toFixed(2)} ms\n`,
        );
      }
    } finally {
      await gateway.stop();
    }
  } finally {
    await emulator.stop();
  }
  if (!profiling) return undefined;
  let latest: URL | undefined;
  for (let waited = 0; latest === undefined && waited < 20_000; waited += 100) {
    await new Promise((done) => setTimeout(done, 100));
    latest = readdirSync(directory)
      .filter((name) => name.endsWith(".cpuprofile"))
      .map((name) => new URL(name, directory))
      .filter((file) => statSync(file).mtimeMs >= before)
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  }
  if (!latest) throw new Error("no .cpuprofile written");
  return fileURLToPath(latest);
}
