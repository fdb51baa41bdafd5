/**
 * Profiles the gateway: `node bench/profile.ts gateway <chat64|chat|stream>` runs the gateway
 * (built output, embedded PGlite) in its own process under `--cpu-prof`, in front of the emulator
 * (its own process), and drives it from this process with keep-alive `node:http` requests
 * (c=64 non-streamed, one at a time, or streams at c=8). Prints the gateway's CPU per request
 * (from /proc, Linux only) and where its time went. `PROFILE_NO_PROF=1` runs without the
 * profiler, for the CPU per request alone.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { Agent } from "node:http";
import { fileURLToPath } from "node:url";
import { BENCH_CHAT_BODY, BENCH_STREAM_BODY, BENCH_WIRE_HEADERS } from "./clients/client.ts";
import { nodeHttpPost, readJson } from "./clients/node-http.ts";
import { startServiceChild } from "./lib/child.ts";
import { runConcurrent } from "./lib/concurrency.ts";

/** CPU time (user + system) `pid` has used, in ms (Linux /proc; 100 ticks per second). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** Runs the gateway workload; returns the path of the profile written (if any) and a summary. */
export async function profileGateway(kind: string, directory: URL): Promise<string | undefined> {
  const profiling = process.env.PROFILE_NO_PROF !== "1";
  const emulator = await startServiceChild<{ baseURL: string }>(
    new URL("./emulator-child.ts", import.meta.url),
    { input: { seed: 1 } },
  );
  const before = Date.now();
  try {
    const gateway = await startServiceChild<{ baseURL: string }>(
      new URL("./gateway-child.ts", import.meta.url),
      {
        input: { upstream: emulator.data.baseURL, floor: process.env.PROFILE_FLOOR === "1" },
        execArgv: profiling
          ? ["--cpu-prof", `--cpu-prof-dir=${fileURLToPath(directory)}`]
          : [],
      },
    );
    const pid = gateway.process.pid ?? 0;
    try {
      const url = new URL(`${gateway.data.baseURL}/chat/completions`);
      const target = { hostname: url.hostname, port: url.port, path: url.pathname };
      const agent = new Agent({ keepAlive: true });
      const streamed = kind === "stream";
      const headers = streamed
        ? { ...BENCH_WIRE_HEADERS, "x-emulator-reply-tokens": "50" }
        : BENCH_WIRE_HEADERS;
      const body = streamed ? BENCH_STREAM_BODY : BENCH_CHAT_BODY;
      const call = () =>
        nodeHttpPost<unknown>(
          agent,
          target,
          headers,
          body,
          streamed
            ? (response, resolve) => {
                response.on("data", () => undefined);
                response.on("end", () => resolve(undefined));
              }
            : readJson,
        );
      const concurrency = kind === "chat64" ? 64 : streamed ? 8 : 1;
      const calls = Number(process.env.PROFILE_CALLS ?? (streamed ? 2000 : 6000));
      const warm = await runConcurrent(500, concurrency, call);
      if (warm.errors > 0) throw warm.firstError;
      const rounds = Number(process.env.PROFILE_ROUNDS ?? 1);
      for (let round = 0; round < rounds; round++) {
        const cpuBefore = processCpuMs(pid);
        const run = await runConcurrent(calls, concurrency, call);
        if (run.errors > 0) throw run.firstError;
        const cpu = processCpuMs(pid) - cpuBefore;
        const sorted = [...run.latenciesMs].sort((a, b) => a - b);
        process.stdout.write(
          `gateway ${kind}: ${calls} calls in ${run.elapsedMs.toFixed(0)} ms, gateway CPU ${(cpu / calls).toFixed(3)} ms/request, p50 ${sorted[Math.floor(sorted.length / 2)]?.toFixed(2)} ms\n`,
        );
      }
      agent.destroy();
    } finally {
      await gateway.stop();
    }
  } finally {
    await emulator.stop();
  }
  if (!profiling) return undefined;
  let latest: URL | undefined;
  for (let waited = 0; latest === undefined && waited < 20_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    latest = readdirSync(directory)
      .filter((name) => name.endsWith(".cpuprofile"))
      .map((name) => new URL(name, directory))
      .filter((file) => statSync(file).mtimeMs >= before)
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  }
  if (!latest) throw new Error("no .cpuprofile written");
  return fileURLToPath(latest);
}
