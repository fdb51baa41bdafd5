/**
 * The benchmark report: the JSON shape written under bench/results/, and its rendering as
 * Markdown tables (console and README), including the issue's goals and whether they were met.
 * Ratios compare rows measured in the same run only.
 */
import type { ClientId } from "./clients/index.ts";
import type { BenchConfig } from "./config.ts";
import type { MachineInfo } from "./lib/machine.ts";
import { ratio } from "./lib/stats.ts";
import { type Cell, formatNumber, formatRatio, markdownTable } from "./lib/table.ts";
import type { ColdStartRow } from "./suites/cold-start.ts";
import type { EmulatorThroughput } from "./suites/emulator-throughput.ts";
import type { FaultSoakResult } from "./suites/fault-soak.ts";
import type { GatewayBench } from "./suites/gateway.ts";
import type { GrowthRow } from "./suites/growth.ts";
import type { SequentialMemory, StreamsMemory } from "./suites/memory.ts";
import type { OverheadRow } from "./suites/overhead.ts";
import type { StreamingRow } from "./suites/streaming.ts";

/** A suite's result or why it failed. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

/** Everything one `npm run bench` measured. */
export interface BenchReport {
  machine: MachineInfo;
  config: BenchConfig;
  durationSeconds: number;
  overhead: Outcome<OverheadRow[]>[];
  streaming: Outcome<StreamingRow[]>;
  decode: Outcome<StreamingRow[]>;
  /** Extra client CPU per request over the node:http floor as the request grows. */
  growth?: Outcome<GrowthRow[]>;
  memorySequential: Outcome<SequentialMemory>[];
  memoryStreams: Outcome<StreamsMemory>[];
  coldStart: ColdStartRow[];
  /** Absent in reports written before the gateway existed. */
  gateway?: Outcome<GatewayBench>;
  emulator: Outcome<EmulatorThroughput>;
  /** Absent in reports written before the suite existed. */
  faultSoak?: Outcome<FaultSoakResult>;
}

function gatewayTable(outcome: Outcome<GatewayBench> | undefined): string {
  if (outcome === undefined) return "not measured";
  if (!outcome.ok) return failed(outcome.error);
  const g = outcome.value;
  const row = (
    label: string,
    direct: number | undefined,
    floor: number | undefined,
    gateway: number | undefined,
  ): Cell[] => [
    label,
    ms(direct),
    ms(floor),
    ms(gateway),
    ms(added(gateway, direct)),
    ms(added(floor, direct)),
    formatRatio(ratio(gateway ?? Number.NaN, direct ?? Number.NaN)),
  ];
  const c = g.concurrency;
  const rows: Cell[][] = [
    row(`non-streamed p50 (c=${c})`, g.direct.median, g.floor?.median, g.gateway.median),
    row(`non-streamed p99 (c=${c})`, g.direct.p99, g.floor?.p99, g.gateway.p99),
    row(
      "non-streamed p50, one at a time",
      g.sequential?.direct.median,
      g.sequential?.floor.median,
      g.sequential?.gateway.median,
    ),
    row(
      "non-streamed p99, one at a time",
      g.sequential?.direct.p99,
      g.sequential?.floor.p99,
      g.sequential?.gateway.p99,
    ),
    row(
      "stream time to first token, median",
      g.ttftDirect.median,
      g.ttftFloor?.median,
      g.ttftGateway.median,
    ),
  ];
  const rss = g.rssMiB.map((value) => formatNumber(value, 1)).join(" → ");
  return [
    markdownTable(
      [
        "measure (ms)",
        "direct",
        "bare proxy (floor)",
        "through gateway",
        "added by gateway",
        "added by floor",
        "gateway ratio",
      ],
      rows,
    ),
    "",
    `CPU per request at c=${c}: gateway ${formatNumber(g.gatewayCpuMsPerRequest, 3)} ms, bare proxy ${formatNumber(g.floorCpuMsPerRequest, 3)} ms. With fewer cores than busy processes, the added latency at c=${c} is mostly this CPU times the queue; one at a time shows each hop's own latency.`,
    "",
    `Gateway process RSS over ${g.memoryRequests.toLocaleString("en-US")} requests (MiB): ${rss}; growth after the first ${Math.round(g.memoryRequests / Math.max(1, g.rssMiB.length - 1)).toLocaleString("en-US")}: ${formatNumber(g.rssGrowthAfterWarmupMiB, 1)} MiB. Startup with a new embedded database: ${whole(g.startupMs)} ms.`,
  ].join("\n");
}

/** `value - base`, or undefined when either is missing. */
function added(value: number | undefined, base: number | undefined): number | undefined {
  return value === undefined || base === undefined ? undefined : value - base;
}

const ms = (value: number | null | undefined) => formatNumber(value, 2);
const whole = (value: number | null | undefined) => formatNumber(value, 0);

function failed(error: string): string {
  return `FAILED: ${error}`;
}

function byId<T extends { id: ClientId }>(rows: readonly T[], id: ClientId): T | undefined {
  return rows.find((row) => row.id === id);
}

/**
 * The best value of one measure over the rows that have it: the lowest (time, CPU) or the
 * highest (throughput). Every ratio in the report is against this, within the same run.
 */
function bestOf<T>(rows: readonly T[], pick: (row: T) => number | null | undefined, lower = true) {
  const values = rows
    .map(pick)
    .filter(
      (value): value is number => typeof value === "number" && Number.isFinite(value) && value > 0,
    );
  if (values.length === 0) return Number.NaN;
  return lower ? Math.min(...values) : Math.max(...values);
}

/** The name of the row with the lowest value of `pick`, for the notes under the tables. */
function cheapestName<T extends { name: string }>(
  rows: readonly T[],
  pick: (row: T) => number | null | undefined,
): string {
  const best = bestOf(rows, pick);
  return rows.find((row) => pick(row) === best)?.name ?? "–";
}

function overheadTable(outcomes: readonly Outcome<OverheadRow[]>[]): string {
  const rows: Cell[][] = [];
  const notes: string[] = [];
  for (const outcome of outcomes) {
    if (!outcome.ok) {
      rows.push(["(suite)", "–", failed(outcome.error), "", "", "", "", "", ""]);
      continue;
    }
    const measured = outcome.value.filter((row) => !row.error);
    const cpu = bestOf(measured, (row) => row.cpuMicrosPerRequest);
    const median = bestOf(measured, (row) => row.medianMs);
    const rps = bestOf(measured, (row) => row.requestsPerSecond, false);
    const c = outcome.value[0]?.concurrency;
    notes.push(`c=${c}: cheapest ${cheapestName(measured, (row) => row.cpuMicrosPerRequest)}`);
    for (const row of outcome.value) {
      if (row.error) {
        rows.push([row.name, row.concurrency, failed(row.error), "", "", "", "", "", ""]);
        continue;
      }
      rows.push([
        row.name,
        row.concurrency,
        whole(row.cpuMicrosPerRequest),
        formatRatio(ratio(row.cpuMicrosPerRequest ?? Number.NaN, cpu)),
        ms(row.medianMs),
        ms(row.p99Ms),
        formatRatio(ratio(row.medianMs ?? Number.NaN, median)),
        whole(row.requestsPerSecond),
        formatRatio(ratio(row.requestsPerSecond ?? Number.NaN, rps)),
      ]);
    }
  }
  return [
    markdownTable(
      [
        "client",
        "concurrency",
        "client CPU µs/req",
        "CPU vs cheapest",
        "median ms",
        "p99 ms",
        "median vs best",
        "req/s",
        "req/s vs best",
      ],
      rows,
    ),
    "",
    `Ratios are against the best client of the same concurrency in this run (lowest CPU, lowest median, highest req/s). ${notes.join("; ")}.`,
  ].join("\n");
}

function streamingTable(
  live: Outcome<StreamingRow[]>,
  decode: Outcome<StreamingRow[]>,
  replyTokens: number,
): string {
  if (!live.ok) return failed(live.error);
  const liveRows = live.value.filter((row) => !row.error);
  const fastestTotal = bestOf(liveRows, (row) => row.totalMedianMs);
  const decodeRows = decode.ok ? decode.value.filter((row) => !row.error) : [];
  const fastestDecode = bestOf(decodeRows, (row) => row.chunksPerSecond, false);
  const cheapestDecode = bestOf(decodeRows, (row) => row.cpuMicrosPerChunk);
  const decodeOpenAI = byId(decodeRows, "openai");
  const rows: Cell[][] = live.value.map((row) => {
    if (row.error) return [row.name, failed(row.error), "", "", "", "", "", "", "", "", ""];
    const replay = decode.ok ? byId(decode.value, row.id) : undefined;
    const replayFailed = !decode.ok
      ? failed(decode.error)
      : replay?.error
        ? failed(replay.error)
        : null;
    return [
      row.name,
      ms(row.firstTokenMedianMs),
      ms(row.firstTokenP99Ms),
      ms(row.totalMedianMs),
      ms(row.totalP99Ms),
      formatRatio(ratio(row.totalMedianMs ?? Number.NaN, fastestTotal)),
      replayFailed ?? whole(replay?.chunksPerSecond),
      formatRatio(ratio(replay?.chunksPerSecond ?? Number.NaN, fastestDecode)),
      formatNumber(replay?.cpuMicrosPerChunk, 2),
      formatRatio(ratio(replay?.cpuMicrosPerChunk ?? Number.NaN, cheapestDecode)),
      formatRatio(
        ratio(replay?.chunksPerSecond ?? Number.NaN, decodeOpenAI?.chunksPerSecond ?? Number.NaN),
      ),
    ];
  });
  return [
    markdownTable(
      [
        `client (${replyTokens.toLocaleString("en-US")} chunks)`,
        "TTFT median ms",
        "TTFT p99 ms",
        "total median ms",
        "total p99 ms",
        "total vs fastest",
        "decode chunks/s (replay)",
        "decode vs fastest",
        "decode CPU µs/chunk",
        "CPU/chunk vs cheapest",
        "decode vs openai SDK",
      ],
      rows,
    ),
    "",
    `Ratios are against the best client in this run; cheapest decoding: ${cheapestName(decodeRows, (row) => row.cpuMicrosPerChunk)}.`,
  ].join("\n");
}

function growthTable(outcome: Outcome<GrowthRow[]> | undefined): string {
  if (outcome === undefined) return "not measured";
  if (!outcome.ok) return failed(outcome.error);
  return markdownTable(
    [
      "request",
      "body bytes",
      "node:http floor CPU µs/req",
      "kimi-provider CPU µs/req",
      "extra µs/req over the floor",
      "ratio",
      "context check alone µs",
    ],
    outcome.value.map((row): Cell[] =>
      row.error
        ? [row.label, whole(row.bodyBytes), failed(row.error), "", "", "", ""]
        : [
            row.label,
            whole(row.bodyBytes),
            whole(row.floorCpuMicros),
            whole(row.kimiCpuMicros),
            `${(row.extraCpuMicros ?? 0) >= 0 ? "+" : ""}${whole(row.extraCpuMicros)}`,
            formatRatio(ratio(row.kimiCpuMicros ?? Number.NaN, row.floorCpuMicros ?? Number.NaN)),
            formatNumber(row.checkMicros, 1),
          ],
    ),
  );
}

/** One measure of the AI SDK path: through kimi-provider/ai-sdk vs through @ai-sdk/moonshotai. */
interface AiSdkMeasure {
  measure: string;
  ours: number | null;
  theirs: number | null;
  /** Whether lower is better (time, CPU) or higher (chunks/s). */
  lower: boolean;
}

/** The AI SDK path, ours against @ai-sdk/moonshotai, from rows measured in this run. */
function aiSdkMeasures(report: BenchReport): AiSdkMeasure[] {
  const measures: AiSdkMeasure[] = [];
  for (const outcome of report.overhead) {
    if (!outcome.ok) continue;
    const ours = byId(outcome.value, "ai-sdk-kimi");
    const theirs = byId(outcome.value, "ai-sdk");
    const c = ours?.concurrency ?? theirs?.concurrency;
    measures.push(
      {
        measure: `non-streamed c=${c}: client CPU µs/req`,
        ours: ours?.cpuMicrosPerRequest ?? null,
        theirs: theirs?.cpuMicrosPerRequest ?? null,
        lower: true,
      },
      {
        measure: `non-streamed c=${c}: median ms`,
        ours: ours?.medianMs ?? null,
        theirs: theirs?.medianMs ?? null,
        lower: true,
      },
    );
  }
  if (report.streaming.ok) {
    measures.push({
      measure: "stream (emulator): total median ms",
      ours: byId(report.streaming.value, "ai-sdk-kimi")?.totalMedianMs ?? null,
      theirs: byId(report.streaming.value, "ai-sdk")?.totalMedianMs ?? null,
      lower: true,
    });
  }
  if (report.decode.ok) {
    measures.push({
      measure: "stream decode (replay): chunks/s",
      ours: byId(report.decode.value, "ai-sdk-kimi")?.chunksPerSecond ?? null,
      theirs: byId(report.decode.value, "ai-sdk")?.chunksPerSecond ?? null,
      lower: false,
    });
  }
  return measures;
}

function aiSdkTable(report: BenchReport): string {
  const rows = aiSdkMeasures(report).map((m): Cell[] => [
    m.measure,
    m.lower && !m.measure.includes("CPU") ? ms(m.ours) : whole(m.ours),
    m.lower && !m.measure.includes("CPU") ? ms(m.theirs) : whole(m.theirs),
    formatRatio(ratio(m.ours ?? Number.NaN, m.theirs ?? Number.NaN)),
  ]);
  if (rows.length === 0) return "not measured (the suites failed)";
  return markdownTable(
    ["measure", "AI SDK + kimi-provider/ai-sdk", "AI SDK + @ai-sdk/moonshotai", "ours / theirs"],
    rows,
  );
}

function memoryTables(report: BenchReport): string {
  const sequential: Cell[][] = report.memorySequential.map((outcome) => {
    if (!outcome.ok) return ["(suite)", failed(outcome.error), "", "", "", "", ""];
    const row = outcome.value;
    if (row.error && row.rssMiB.length === 0) {
      return [row.name, failed(row.error), "", "", "", "", ""];
    }
    return [
      row.name + (row.error ? ` (stopped: ${row.error})` : ""),
      row.requests.toLocaleString("en-US"),
      formatNumber(row.rssMiB[0], 1),
      formatNumber(row.rssMiB[row.rssMiB.length - 1], 1),
      formatNumber(row.rssGrowthAfterWarmupMiB, 1),
      formatNumber(row.rssGrowthSecondHalfMiB, 1),
      formatNumber(row.heapGrowthAfterWarmupMiB, 1),
    ];
  });
  const streams: Cell[][] = report.memoryStreams.map((outcome) => {
    if (!outcome.ok) return ["(suite)", failed(outcome.error), "", "", "", "", ""];
    const row = outcome.value;
    if (row.error && row.rssAfterWaveMiB.length === 0) {
      return [row.name, failed(row.error), "", "", "", "", ""];
    }
    const failures =
      row.failedStreams > 0
        ? ` (${row.failedStreams} streams failed: ${row.error})`
        : row.error
          ? ` (stopped: ${row.error})`
          : "";
    return [
      row.name + failures,
      `${row.waves} × ${row.streams.toLocaleString("en-US")}`,
      formatNumber(row.rssBeforeMiB, 1),
      formatNumber(row.peakDuringMiB, 1),
      row.rssAfterWaveMiB.map((value) => formatNumber(value, 1)).join(" → "),
      formatNumber(row.rssGrowthAfterFirstWaveMiB, 1),
      formatNumber(row.heapGrowthAfterFirstWaveMiB, 1),
    ];
  });
  return [
    markdownTable(
      [
        "client",
        "sequential requests",
        "RSS after warm-up MiB",
        "RSS at end MiB",
        "RSS growth after warm-up MiB",
        "RSS growth, 2nd half MiB",
        "heap growth after warm-up MiB",
      ],
      sequential,
    ),
    "",
    markdownTable(
      [
        "client",
        "concurrent streams",
        "RSS before MiB",
        "peak RSS MiB",
        "RSS after each wave (settled) MiB",
        "RSS growth wave 1→last MiB",
        "heap growth wave 1→last MiB",
      ],
      streams,
    ),
  ].join("\n");
}

function coldStartTable(rows: readonly ColdStartRow[]): string {
  return markdownTable(
    ["what (fresh process each run)", "runs", "median ms", "p99 ms"],
    rows.map((row) =>
      row.error
        ? [row.what, row.runs, failed(row.error), ""]
        : [row.what, row.runs, ms(row.medianMs), ms(row.p99Ms)],
    ),
  );
}

function emulatorTable(outcome: Outcome<EmulatorThroughput>, report: BenchReport): string {
  if (!outcome.ok) return failed(outcome.error);
  const value = outcome.value;
  const bestClientRps = Math.max(
    0,
    ...report.overhead.flatMap((o) =>
      o.ok ? o.value.map((row) => row.requestsPerSecond ?? 0) : [],
    ),
  );
  const bestClientChunks = Math.max(
    0,
    ...(report.streaming.ok ? report.streaming.value.map((row) => row.chunksPerSecond ?? 0) : []),
  );
  return markdownTable(
    ["emulator (node:http keep-alive load generator)", "value", "best client in this run"],
    [
      [
        `non-streamed chat, concurrency ${value.concurrency}: req/s`,
        whole(value.requestsPerSecond),
        whole(bestClientRps),
      ],
      ["non-streamed chat: median / p99 ms", `${ms(value.medianMs)} / ${ms(value.p99Ms)}`, ""],
      [
        `stream of ${value.streamReplyTokens.toLocaleString("en-US")} chunks: chunks/s`,
        whole(value.streamChunksPerSecond),
        whole(bestClientChunks),
      ],
    ],
  );
}

function faultSoakTable(outcome: Outcome<FaultSoakResult> | undefined): string {
  if (!outcome) return "not run";
  if (!outcome.ok) return failed(outcome.error);
  const r = outcome.value;
  const faultRows = Object.entries(r.byFault).map(([name, counts]): Cell[] => {
    const errors = Object.entries(counts.errors)
      .map(([error, n]) => `${n} ${error}`)
      .join(", ");
    return [
      `fault ${name}: requests → outcome`,
      `${counts.requests} → ${counts.succeeded} ok${errors ? `, ${errors}` : ""}`,
    ];
  });
  return markdownTable(
    ["fault soak", "value"],
    [
      [
        "requests / concurrency / faults",
        `${r.requests.toLocaleString("en-US")} / ${r.concurrency} / ${Math.round(r.faultRate * 100)}%`,
      ],
      ["settled / succeeded / failed", `${r.settled} / ${r.succeeded} / ${r.failed}`],
      ["attempts the emulator received", whole(r.attempts)],
      ["broken guarantees", r.problems.length === 0 ? "none" : r.problems.join("; ")],
      ...faultRows,
      ["heap after GC, MiB (first → last)", `${r.heapMiB[0] ?? "–"} → ${r.heapMiB.at(-1) ?? "–"}`],
      ["heap growth over the second half, MiB", formatNumber(r.heapGrowthSecondHalfMiB, 1)],
      ["duration, s", formatNumber(r.durationMs / 1000, 1)],
    ],
  );
}

interface Goal {
  goal: string;
  measured: string;
  met: boolean | null;
}

function goals(report: BenchReport): Goal[] {
  const list: Goal[] = [];
  const cell = (value: number | null) => (value === null ? "–" : formatRatio(value));
  const finite = (value: number | null | undefined) =>
    typeof value === "number" && Number.isFinite(value) ? value : Number.NaN;

  // 1. Non-stream CPU per request, against the cheapest client of the same run.
  for (const outcome of report.overhead) {
    if (!outcome.ok) {
      list.push({
        goal: "non-stream CPU per request ≤ 1.10× the cheapest",
        measured: "suite failed",
        met: null,
      });
      continue;
    }
    const measured = outcome.value.filter((row) => !row.error);
    const kimi = byId(measured, "kimi");
    const c = outcome.value[0]?.concurrency;
    const cheapest = bestOf(measured, (row) => row.cpuMicrosPerRequest);
    const cpu = ratio(finite(kimi?.cpuMicrosPerRequest), cheapest);
    list.push({
      goal: `non-stream CPU per request ≤ 1.10× the cheapest client, c=${c}`,
      measured: `${cell(cpu)} (${whole(kimi?.cpuMicrosPerRequest)} vs ${whole(cheapest)} µs, ${cheapestName(measured, (row) => row.cpuMicrosPerRequest)})`,
      met: cpu === null ? null : cpu <= 1.1,
    });
  }

  // 2. Streams against the floor (node:http + split on blank lines + JSON.parse), decoding alone.
  const decodeRows = report.decode.ok ? report.decode.value.filter((row) => !row.error) : [];
  const floor = byId(decodeRows, "node-http");
  const kimiDecode = byId(decodeRows, "kimi");
  const chunkRate = ratio(finite(kimiDecode?.chunksPerSecond), finite(floor?.chunksPerSecond));
  const chunkCpu = ratio(finite(kimiDecode?.cpuMicrosPerChunk), finite(floor?.cpuMicrosPerChunk));
  list.push({
    goal: "streams: ≥ 0.9× the node:http floor's chunks/s",
    measured: `${cell(chunkRate)} (${whole(kimiDecode?.chunksPerSecond)} vs ${whole(floor?.chunksPerSecond)} chunks/s, replay server)`,
    met: chunkRate === null ? null : chunkRate >= 0.9,
  });
  list.push({
    goal: "streams: ≤ 1.15× the node:http floor's CPU per chunk",
    measured: `${cell(chunkCpu)} (${formatNumber(kimiDecode?.cpuMicrosPerChunk, 2)} vs ${formatNumber(floor?.cpuMicrosPerChunk, 2)} µs)`,
    met: chunkCpu === null ? null : chunkCpu <= 1.15,
  });

  // 3. Flat growth: extra CPU over the floor sending the same body.
  const growthRows = report.growth?.ok ? report.growth.value : [];
  const growthGoal = (label: string, limitMicros: number, goal: string) => {
    const row = growthRows.find((candidate) => candidate.label === label);
    const extra = row?.error ? Number.NaN : finite(row?.extraCpuMicros);
    list.push({
      goal,
      measured: Number.isFinite(extra)
        ? `${extra >= 0 ? "+" : ""}${whole(extra)} µs/req (the context check alone: ${formatNumber(row?.checkMicros, 1)} µs)`
        : "not measured",
      met: Number.isFinite(extra) ? extra <= limitMicros : null,
    });
  };
  growthGoal("1,000 messages", 50, "growth: ≤ +50 µs/req over the floor at 1,000 messages");
  growthGoal(
    "1,000 messages, new objects each send",
    50,
    "growth: ≤ +50 µs/req at 1,000 messages rebuilt as new objects each send",
  );
  growthGoal("1 MiB prompt to kimi-k3", 1000, "growth: ≤ +1 ms/req for a 1 MiB prompt (resent)");
  growthGoal(
    "1 MiB prompt to kimi-k3, new text each send",
    1000,
    "growth: ≤ +1 ms/req for a 1 MiB prompt never seen before",
  );

  // 4. The bench itself: the floors are in the same run as everything else.
  const floorsMeasured = report.overhead.every(
    (outcome) =>
      outcome.ok &&
      byId(outcome.value, "node-http")?.error === null &&
      byId(outcome.value, "undici")?.error === null,
  );
  list.push({
    goal: "the floors (node:http, undici.request) measured in the same run; ratios vs the cheapest",
    measured: floorsMeasured ? "both floors measured in every non-stream table" : "a floor failed",
    met: floorsMeasured,
  });

  // Ahead of both peers on every row: lower latency / higher throughput.
  const comparisons: { row: string; kimi: number | null; peer: number | null; lower: boolean }[] =
    [];
  for (const outcome of report.overhead) {
    if (!outcome.ok) continue;
    for (const peer of ["openai", "ai-sdk"] as const) {
      const kimi = byId(outcome.value, "kimi");
      const other = byId(outcome.value, peer);
      const c = kimi?.concurrency ?? other?.concurrency;
      comparisons.push(
        {
          row: `c=${c} median vs ${peer}`,
          kimi: kimi?.medianMs ?? null,
          peer: other?.medianMs ?? null,
          lower: true,
        },
        {
          row: `c=${c} p99 vs ${peer}`,
          kimi: kimi?.p99Ms ?? null,
          peer: other?.p99Ms ?? null,
          lower: true,
        },
        {
          row: `c=${c} req/s vs ${peer}`,
          kimi: kimi?.requestsPerSecond ?? null,
          peer: other?.requestsPerSecond ?? null,
          lower: false,
        },
      );
    }
  }
  for (const [label, outcome] of [
    ["stream", report.streaming],
    ["decode", report.decode],
  ] as const) {
    if (!outcome.ok) continue;
    for (const peer of ["openai", "ai-sdk"] as const) {
      const kimi = byId(outcome.value, "kimi");
      const other = byId(outcome.value, peer);
      comparisons.push(
        {
          row: `${label} TTFT vs ${peer}`,
          kimi: kimi?.firstTokenMedianMs ?? null,
          peer: other?.firstTokenMedianMs ?? null,
          lower: true,
        },
        {
          row: `${label} total vs ${peer}`,
          kimi: kimi?.totalMedianMs ?? null,
          peer: other?.totalMedianMs ?? null,
          lower: true,
        },
      );
    }
  }
  const measured = comparisons.filter((c) => c.kimi !== null && c.peer !== null);
  const losses = measured.filter((c) =>
    c.lower ? (c.kimi ?? 0) >= (c.peer ?? 0) : (c.kimi ?? 0) <= (c.peer ?? 0),
  );
  const unmeasured = comparisons.length - measured.length;
  list.push({
    goal: "ahead of the openai SDK and the AI SDK on every row",
    measured:
      measured.length === 0
        ? "not measured (a row failed)"
        : `${losses.length === 0 ? `ahead on all ${measured.length} comparisons` : `behind on: ${losses.map((c) => c.row).join(", ")}`}${unmeasured > 0 ? `; ${unmeasured} not measured` : ""}`,
    met: measured.length === 0 ? null : losses.length === 0 && unmeasured === 0,
  });

  const aiSdk = aiSdkMeasures(report).filter((m) => m.ours !== null && m.theirs !== null);
  const aiSdkBehind = aiSdk.filter((m) =>
    m.lower ? (m.ours ?? 0) > (m.theirs ?? 0) : (m.ours ?? 0) < (m.theirs ?? 0),
  );
  list.push({
    goal: "the AI SDK through kimi-provider/ai-sdk no slower than through @ai-sdk/moonshotai",
    measured:
      aiSdk.length === 0
        ? "not measured (a row failed)"
        : aiSdkBehind.length === 0
          ? `at least as fast on all ${aiSdk.length} measures`
          : `behind on: ${aiSdkBehind.map((m) => m.measure).join(", ")}`,
    met: aiSdk.length === 0 ? null : aiSdkBehind.length === 0,
  });

  const decodeRatio = report.decode.ok
    ? ratio(
        byId(report.decode.value, "kimi")?.chunksPerSecond ?? Number.NaN,
        byId(report.decode.value, "openai")?.chunksPerSecond ?? Number.NaN,
      )
    : null;
  list.push({
    goal: "stream decoding at least 2× the openai SDK's chunks/s",
    measured: `${cell(decodeRatio)}`,
    met: decodeRatio === null ? null : decodeRatio >= 2,
  });

  const importRow = report.coldStart[0];
  list.push({
    goal: "import under 50 ms",
    measured: importRow?.medianMs == null ? "–" : `${ms(importRow.medianMs)} ms`,
    met: importRow?.medianMs == null ? null : importRow.medianMs < 50,
  });

  // 5. Memory: settled heap flat; RSS growth after warm-up ≤ 10 MiB over the sequential run.
  const kimiSequential = report.memorySequential.find((o) => o.ok && o.value.id === "kimi");
  const kimiStreams = report.memoryStreams.find((o) => o.ok && o.value.id === "kimi");
  const seqGrowth = kimiSequential?.ok ? kimiSequential.value.heapGrowthAfterWarmupMiB : Number.NaN;
  const streamGrowth = kimiStreams?.ok ? kimiStreams.value.heapGrowthAfterFirstWaveMiB : Number.NaN;
  const seqRss = kimiSequential?.ok ? kimiSequential.value.rssGrowthAfterWarmupMiB : Number.NaN;
  const requests = kimiSequential?.ok ? kimiSequential.value.requests : 0;
  const measuredMemory = [seqGrowth, streamGrowth].every(Number.isFinite);
  list.push({
    goal: "memory: flat settled heap over sequential requests and concurrent streams",
    measured: `heap ${formatNumber(seqGrowth, 1)} MiB sequential / ${formatNumber(streamGrowth, 1)} MiB streams`,
    // Under 1 MiB of live heap after thousands of requests is noise, not a leak.
    met: measuredMemory ? seqGrowth < 1 && streamGrowth < 1 : null,
  });
  list.push({
    goal: "memory: RSS growth after warm-up ≤ 10 MiB over 10,000 requests",
    measured: `${formatNumber(seqRss, 1)} MiB over ${requests.toLocaleString("en-US")} requests`,
    met: Number.isFinite(seqRss) ? seqRss <= 10 && requests >= 10_000 : null,
  });
  // The gateway (section 5): what it adds in front of the emulator, and its memory.
  const g = report.gateway?.ok ? report.gateway.value : undefined;
  const addedText = (value: number, direct: number | undefined, floor: number | undefined) =>
    `+${ms(value)} ms (${formatRatio(ratio(value + (direct ?? Number.NaN), direct ?? Number.NaN))} direct; bare proxy +${ms(added(floor, direct))} ms)`;
  list.push({
    goal: `gateway: added latency p50 < 1 ms, non-stream c=${g?.concurrency ?? 64}`,
    measured: g ? addedText(g.addedP50Ms, g.direct.median, g.floor?.median) : "–",
    met: g ? g.addedP50Ms < 1 : null,
  });
  list.push({
    goal: `gateway: added latency p99 < 5 ms, non-stream c=${g?.concurrency ?? 64}`,
    measured: g ? addedText(g.addedP99Ms, g.direct.p99, g.floor?.p99) : "–",
    met: g ? g.addedP99Ms < 5 : null,
  });
  const ttftAdded = g ? g.ttftGateway.median - g.ttftDirect.median : Number.NaN;
  list.push({
    goal: "gateway: stream time to first token within 1 ms of direct",
    measured: g
      ? `+${ms(ttftAdded)} ms (bare proxy +${ms(added(g.ttftFloor?.median, g.ttftDirect.median))} ms)`
      : "–",
    met: g ? ttftAdded <= 1 : null,
  });
  const gatewayRss = g?.rssGrowthAfterWarmupMiB;
  list.push({
    goal: "gateway: memory flat over 10,000 requests (RSS growth after warm-up ≤ 10 MiB)",
    measured:
      g && gatewayRss !== undefined
        ? `${formatNumber(gatewayRss, 1)} MiB over ${g.memoryRequests.toLocaleString("en-US")} requests`
        : "–",
    met:
      g && gatewayRss !== undefined && Number.isFinite(gatewayRss)
        ? gatewayRss <= 10 && g.memoryRequests >= 10_000
        : null,
  });
  const soak = report.faultSoak?.ok ? report.faultSoak.value : undefined;
  list.push({
    goal: "fault soak (20% faults): every promise settled and typed, no wrong text, nothing re-sent after response bytes",
    measured: soak
      ? `${soak.settled}/${soak.requests} settled, ${soak.problems.length} broken guarantees`
      : "–",
    met: soak ? soak.settled === soak.requests && soak.problems.length === 0 : null,
  });
  return list;
}

/** Renders the whole report as Markdown. */
export function renderReport(report: BenchReport): string {
  const { machine, config } = report;
  const s = config.streaming.replyTokens;
  const header = [
    `Machine: ${machine.cpuModel}, ${machine.cpus} cores, ${machine.totalMemoryMiB.toLocaleString("en-US")} MiB RAM, ${machine.platform} (${machine.arch})`,
    `Node ${machine.node}; ${machine.date}; ${config.quick ? "QUICK smoke run (BENCH_QUICK=1)" : "full run"} in ${report.durationSeconds.toFixed(0)} s`,
    `Runs: non-streamed ${config.overhead
      .map((o) => `c=${o.concurrency}: ${o.plan.rounds}×${o.plan.perRound} per client`)
      .join(
        ", ",
      )}; streams ${config.streaming.plan.rounds}×${config.streaming.plan.perRound} of ${s.toLocaleString("en-US")} chunks per client; cold start ${config.coldStart.runs} processes each.`,
    "Emulator and replay server run in their own processes; every suite in a fresh child process.",
  ];
  const goalRows = goals(report).map((goal): Cell[] => [
    goal.goal,
    goal.measured,
    goal.met === null ? "not measured" : goal.met ? "yes" : "NO",
  ]);
  return [
    header.join("  \n"),
    "",
    "### 1. Non-streamed chat: per-request overhead",
    "",
    overheadTable(report.overhead),
    "",
    "### 2. Streaming: one long answer at a time",
    "",
    streamingTable(report.streaming, report.decode, s),
    "",
    "TTFT and total: against the emulator (generation included). Decode: against a replay server that writes a recorded stream in one go, so only the client's decoding limits chunks/s.",
    "",
    "### 2b. The AI SDK path: kimi-provider/ai-sdk against @ai-sdk/moonshotai",
    "",
    aiSdkTable(report),
    "",
    "Same `generateText` / `streamText` calls, same run; only the provider differs.",
    "",
    "### 2c. Growth: extra client CPU per request as the request grows",
    "",
    growthTable(report.growth),
    "",
    'kimi-provider and bare node:http send the same body (same model, messages, tools, max_tokens), interleaved; the extra CPU is a difference of two noisy numbers (±100 µs on a loaded machine), the last column times the pre-send context check alone, in process. History rows resend the same message objects (a session); "new objects" rebuilds them per send around the same strings; "new text" sends a 1 MiB prompt the client has not seen.',
    "",
    "### 3. Memory (child process with --expose-gc, readings after a full GC)",
    "",
    memoryTables(report),
    "",
    "### 4. Cold start",
    "",
    coldStartTable(report.coldStart),
    "",
    "### 5. Gateway (kimi-provider gateway, embedded PGlite) against the emulator directly",
    "",
    gatewayTable(report.gateway),
    "",
    "### 6. Emulator throughput",
    "",
    emulatorTable(report.emulator, report),
    "",
    "### 7. Fault soak",
    "",
    faultSoakTable(report.faultSoak),
    "",
    "Every outcome checked: all settled, failures of the exact typed class per fault, answers equal to a fault-free reference, each request seen by the emulator exactly as often as expected (no re-send after response bytes).",
    "",
    "### Goals (reported, never enforced)",
    "",
    markdownTable(["goal", "measured", "met"], goalRows),
  ].join("\n");
}
