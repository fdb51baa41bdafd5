/**
 * Suite 2 (child process): one long streamed answer at a time — time to first token, total
 * time, and chunks per second each client delivers to its caller. Run against the emulator
 * (generation + decoding) and against the replay server (decoding alone).
 */
import { CLIENT_IDS, type ClientId, describeError, loadClients } from "../clients/index.ts";
import type { RoundPlan } from "../config.ts";
import { childInput, runSuite } from "../lib/child.ts";
import { runRounds } from "../lib/rounds.ts";
import { summarize } from "../lib/stats.ts";

/** Input from the orchestrator. */
export interface StreamingInput {
  baseURL: string;
  replyTokens: number;
  plan: RoundPlan;
  clients?: ClientId[];
}

/** One client's row. */
export interface StreamingRow {
  id: ClientId;
  name: string;
  streams: number;
  replyTokens: number;
  firstTokenMedianMs: number | null;
  firstTokenP99Ms: number | null;
  totalMedianMs: number | null;
  totalP99Ms: number | null;
  /** `replyTokens / median total time`. */
  chunksPerSecond: number | null;
  /**
   * Client CPU (user + system) per content chunk, in µs, over the measured streams: the
   * server runs in another process, so this is the client's decoding and delivery alone.
   */
  cpuMicrosPerChunk: number | null;
  error: string | null;
}

interface Sample {
  firstTokenMs: number;
  totalMs: number;
}

async function main(): Promise<StreamingRow[]> {
  const input = childInput<StreamingInput>();
  const { replyTokens, plan } = input;
  const loaded = await loadClients(input.clients ?? CLIENT_IDS, input.baseURL);
  const rows: StreamingRow[] = loaded.map((entry) => ({
    id: entry.id,
    name: entry.name,
    streams: 0,
    replyTokens,
    firstTokenMedianMs: null,
    firstTokenP99Ms: null,
    totalMedianMs: null,
    totalP99Ms: null,
    chunksPerSecond: null,
    cpuMicrosPerChunk: null,
    error: "error" in entry ? entry.error : null,
  }));
  const ready = [];
  for (const entry of loaded) {
    const row = rows.find((candidate) => candidate.id === entry.id);
    if (!("client" in entry) || !row) continue;
    try {
      for (let i = 0; i < plan.warmup; i++) await entry.client.stream(replyTokens);
      ready.push({ entry, row });
    } catch (error) {
      row.error = describeError(error);
    }
  }
  const cpuMicros = new Map<ClientId, number>();
  const states = await runRounds<(typeof ready)[number], Sample>(
    ready,
    plan,
    async ({ entry }) => {
      const samples: Sample[] = [];
      let elapsedMs = 0;
      const cpuBefore = process.cpuUsage();
      for (let i = 0; i < plan.perRound; i++) {
        const started = performance.now();
        const run = await entry.client.stream(replyTokens);
        const ended = performance.now();
        samples.push({ firstTokenMs: run.firstChunkAt - started, totalMs: ended - started });
        elapsedMs += ended - started;
      }
      const cpu = process.cpuUsage(cpuBefore);
      cpuMicros.set(entry.id, (cpuMicros.get(entry.id) ?? 0) + cpu.user + cpu.system);
      return { samples, elapsedMs };
    },
    describeError,
  );
  ready.forEach(({ row }, index) => {
    const state = states[index];
    if (!state) return;
    if (state.error) {
      row.error = state.error;
      return;
    }
    const first = summarize(state.samples.map((sample) => sample.firstTokenMs));
    const total = summarize(state.samples.map((sample) => sample.totalMs));
    row.streams = state.calls;
    row.firstTokenMedianMs = first.median;
    row.firstTokenP99Ms = first.p99;
    row.totalMedianMs = total.median;
    row.totalP99Ms = total.p99;
    row.chunksPerSecond = replyTokens / (total.median / 1000);
    row.cpuMicrosPerChunk = (cpuMicros.get(row.id) ?? Number.NaN) / (state.calls * replyTokens);
  });
  return rows;
}

runSuite(main);
