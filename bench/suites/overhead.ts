/**
 * Suite 1 (child process): per-request cost of non-streamed chat at a given concurrency.
 * Every client sends the same request to the same emulator; the raw-fetch row is the floor.
 */
import { CLIENT_IDS, type ClientId, describeError, loadClients } from "../clients/index.ts";
import type { RoundPlan } from "../config.ts";
import { childInput, runSuite } from "../lib/child.ts";
import { runConcurrent } from "../lib/concurrency.ts";
import { runRounds } from "../lib/rounds.ts";
import { summarize } from "../lib/stats.ts";

/** Input from the orchestrator. */
export interface OverheadInput {
  baseURL: string;
  concurrency: number;
  plan: RoundPlan;
  clients?: ClientId[];
}

/** One client's row. */
export interface OverheadRow {
  id: ClientId;
  name: string;
  concurrency: number;
  requests: number;
  medianMs: number | null;
  p99Ms: number | null;
  requestsPerSecond: number | null;
  /**
   * Client CPU time (user + system) per request, in µs: unlike wall time it barely moves when
   * other processes share the machine, so it is the steadiest overhead figure.
   */
  cpuMicrosPerRequest: number | null;
  error: string | null;
}

async function main(): Promise<OverheadRow[]> {
  const input = childInput<OverheadInput>();
  const { concurrency, plan } = input;
  const loaded = await loadClients(input.clients ?? CLIENT_IDS, input.baseURL);
  const rows: OverheadRow[] = loaded.map((entry) => ({
    id: entry.id,
    name: entry.name,
    concurrency,
    requests: 0,
    medianMs: null,
    p99Ms: null,
    requestsPerSecond: null,
    cpuMicrosPerRequest: null,
    error: "error" in entry ? entry.error : null,
  }));
  const ready = [];
  for (const entry of loaded) {
    if (!("client" in entry)) continue;
    const row = rows.find((candidate) => candidate.id === entry.id);
    if (!row) continue;
    // Warm-up: JIT, the connection pool; also proves the client works before it is timed.
    const warm = await runConcurrent(plan.warmup, concurrency, () => entry.client.chat());
    if (warm.errors > 0) {
      row.error = describeError(warm.firstError);
      continue;
    }
    ready.push({ entry, row });
  }
  const cpuMicros = new Map<ClientId, number>();
  const states = await runRounds(
    ready,
    plan,
    async ({ entry }) => {
      const cpuBefore = process.cpuUsage();
      const run = await runConcurrent(plan.perRound, concurrency, () => entry.client.chat());
      const cpu = process.cpuUsage(cpuBefore);
      if (run.errors > 0) throw run.firstError;
      cpuMicros.set(entry.id, (cpuMicros.get(entry.id) ?? 0) + cpu.user + cpu.system);
      return { samples: run.latenciesMs, elapsedMs: run.elapsedMs };
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
    const summary = summarize(state.samples);
    row.requests = state.calls;
    row.medianMs = summary.median;
    row.p99Ms = summary.p99;
    row.requestsPerSecond = state.calls / (state.elapsedMs / 1000);
    row.cpuMicrosPerRequest = (cpuMicros.get(row.id) ?? Number.NaN) / state.calls;
  });
  return rows;
}

runSuite(main);
