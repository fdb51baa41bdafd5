/**
 * `npm run bench`: measures kimi-provider against raw fetch (the floor) and its peers (the
 * openai SDK, the AI SDK) on loopback against the emulator, prints Markdown tables of medians
 * and same-run ratios, and writes the report as JSON (and Markdown) under bench/results/.
 *
 * Benchmarks are not tests: goals are reported, never enforced; a client or suite that fails is
 * reported with its reason and the rest still runs. `BENCH_QUICK=1` does a ~1 minute smoke run
 * and writes bench/results/quick.{json,md} (gitignored), never over the published latest.*.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { benchConfig } from "./config.ts";
import { runChild, type ServiceChild, startServiceChild } from "./lib/child.ts";
import { machineInfo } from "./lib/machine.ts";
import { type BenchReport, type Outcome, renderReport } from "./report.ts";
import { coldStart } from "./suites/cold-start.ts";
import type { EmulatorThroughput } from "./suites/emulator-throughput.ts";
import type { FaultSoakInput, FaultSoakResult } from "./suites/fault-soak.ts";
import type { GatewayBench } from "./suites/gateway.ts";
import type { GrowthRow } from "./suites/growth.ts";
import type { MemoryInput, SequentialMemory, StreamsMemory } from "./suites/memory.ts";
import type { OverheadRow } from "./suites/overhead.ts";
import type { StreamingRow } from "./suites/streaming.ts";

const suite = (name: string) => new URL(`./suites/${name}.ts`, import.meta.url);

/** `BENCH_ONLY=overhead,streaming,decode,growth,memory,gateway,emulator,soak,cold` runs a subset (for iterating). */
const only = process.env.BENCH_ONLY?.split(",").map((name) => name.trim());
const wanted = (suiteName: string) => only === undefined || only.includes(suiteName);

async function outcome<T>(
  suiteName: string,
  label: string,
  work: () => Promise<T>,
): Promise<Outcome<T>> {
  if (!wanted(suiteName)) return { ok: false, error: "skipped (BENCH_ONLY)" };
  const started = performance.now();
  process.stderr.write(`bench: ${label}…`);
  try {
    const value = await work();
    process.stderr.write(` ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    return { ok: true, value };
  } catch (error) {
    process.stderr.write(" failed\n");
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: message.split("\n")[0]?.slice(0, 300) ?? "unknown error" };
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const config = benchConfig(process.env.BENCH_QUICK === "1");
  const machine = machineInfo();
  process.stderr.write(
    `bench: ${config.quick ? "quick" : "full"} run on ${machine.cpus} cores, Node ${machine.node}\n`,
  );

  const emulator = await startServiceChild<{ baseURL: string }>(
    new URL("./emulator-child.ts", import.meta.url),
    { input: { seed: 1 } },
  );
  const baseURL = emulator.data.baseURL;
  let replay: ServiceChild<{ baseURL: string; bytes: number }> | undefined;
  try {
    // First, while the emulator is fresh: how much headroom the service has over any client.
    const emulatorThroughput = await outcome("emulator", "emulator throughput", () =>
      runChild<EmulatorThroughput>(suite("emulator-throughput"), {
        input: { baseURL, ...config.emulator },
      }),
    );
    const overhead: Outcome<OverheadRow[]>[] = [];
    for (const { concurrency, plan } of config.overhead) {
      overhead.push(
        await outcome("overhead", `non-streamed chat, concurrency ${concurrency}`, () =>
          runChild<OverheadRow[]>(suite("overhead"), {
            input: { baseURL, concurrency, plan },
          }),
        ),
      );
    }
    const streaming = await outcome(
      "streaming",
      `streaming ${config.streaming.replyTokens} chunks`,
      () =>
        runChild<StreamingRow[]>(suite("streaming"), {
          input: { baseURL, ...config.streaming },
        }),
    );
    const decode = await outcome("decode", "stream decoding (replay server)", async () => {
      replay = await startServiceChild(new URL("./replay-server.ts", import.meta.url), {
        input: { emulatorBaseURL: baseURL, replyTokens: config.decode.replyTokens },
      });
      try {
        return await runChild<StreamingRow[]>(suite("streaming"), {
          input: { baseURL: replay.data.baseURL, ...config.decode },
        });
      } finally {
        await replay.stop();
        replay = undefined;
      }
    });
    const growth = await outcome(
      "growth",
      "growth with the request (extra CPU over the floor)",
      () => runChild<GrowthRow[]>(suite("growth"), { input: { baseURL, cases: config.growth } }),
    );

    const memorySequential: Outcome<SequentialMemory>[] = [];
    const memoryStreams: Outcome<StreamsMemory>[] = [];
    const m = config.memory;
    for (const client of m.clients) {
      const input: MemoryInput = {
        mode: "sequential",
        baseURL,
        client,
        requests: m.sequentialRequests,
        sampleEvery: m.sampleEvery,
      };
      memorySequential.push(
        await outcome(
          "memory",
          `memory, ${m.sequentialRequests} sequential requests, ${client}`,
          () => runChild<SequentialMemory>(suite("memory"), { input, execArgv: ["--expose-gc"] }),
        ),
      );
    }
    for (const client of m.clients) {
      const input: MemoryInput = {
        mode: "concurrent-streams",
        baseURL,
        client,
        streams: m.concurrentStreams,
        waves: m.waves,
        replyTokens: m.streamReplyTokens,
        chunkDelayMs: m.streamChunkDelayMs,
      };
      memoryStreams.push(
        await outcome(
          "memory",
          `memory, ${m.waves}×${m.concurrentStreams} concurrent streams, ${client}`,
          () => runChild<StreamsMemory>(suite("memory"), { input, execArgv: ["--expose-gc"] }),
        ),
      );
    }

    const g = config.gateway;
    const gateway = await outcome(
      "gateway",
      `gateway: c=${g.concurrency} non-streamed, TTFT, memory over ${g.memoryRequests} requests`,
      async () => {
        const child = await startServiceChild<{ baseURL: string; startupMs: number }>(
          new URL("./gateway-child.ts", import.meta.url),
          { input: { upstream: baseURL } },
        );
        try {
          return await runChild<GatewayBench>(suite("gateway"), {
            input: {
              directBaseURL: baseURL,
              gatewayBaseURL: child.data.baseURL,
              gatewayPid: child.process.pid,
              startupMs: child.data.startupMs,
              ...g,
            },
          });
        } finally {
          await child.stop();
        }
      },
    );
    // The soak starts its own emulators (in its process), so it needs no shared one.
    const faultSoakInput: FaultSoakInput = config.faultSoak;
    const faultSoak = await outcome(
      "soak",
      `fault soak, ${config.faultSoak.requests} requests with ${config.faultSoak.faultRate * 100}% faults`,
      () =>
        runChild<FaultSoakResult>(suite("fault-soak"), {
          input: faultSoakInput,
          execArgv: ["--expose-gc"],
        }),
    );

    // Cold start last, with the emulator stopped: nothing else competes for the CPU.
    await emulator.stop();
    process.stderr.write("bench: cold start…\n");
    const cold = wanted("cold") ? coldStart(config.coldStart.runs) : [];

    const report: BenchReport = {
      machine,
      config,
      durationSeconds: (performance.now() - started) / 1000,
      overhead,
      streaming,
      decode,
      growth,
      memorySequential,
      memoryStreams,
      coldStart: cold,
      gateway,
      emulator: emulatorThroughput,
      faultSoak,
    };
    const markdown = renderReport(report);
    const directory = new URL("./results/", import.meta.url);
    mkdirSync(directory, { recursive: true });
    const json = `${JSON.stringify(report, null, 2)}\n`;
    // A quick smoke run never replaces the published full-run results.
    const name = config.quick ? "quick" : "latest";
    if (!config.quick) {
      const stamp = machine.date.replace(/[:.]/g, "-");
      writeFileSync(new URL(`bench-${stamp}.json`, directory), json);
    }
    writeFileSync(new URL(`${name}.json`, directory), json);
    writeFileSync(new URL(`${name}.md`, directory), `${markdown}\n`);
    process.stdout.write(`${markdown}\n\nWritten: bench/results/${name}.json, ${name}.md\n`);
  } finally {
    await replay?.stop();
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
