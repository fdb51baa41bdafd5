/**
 * How much each suite does. The full run fits the budget (under 5 minutes on 2 cores);
 * `BENCH_QUICK=1` is a ~1 minute smoke run with the same shape and smaller counts.
 */

import { BENCH_MODEL } from "./clients/client.ts";
import type { ClientId } from "./clients/index.ts";
import type { GrowthCase } from "./suites/growth.ts";

/** Counts for one latency/throughput measurement: interleaved rounds of `perRound` calls. */
export interface RoundPlan {
  /** Calls per client before measuring (JIT, connection pool). */
  warmup: number;
  /** Rounds; each round runs every client once, in rotating order, to spread drift evenly. */
  rounds: number;
  /** Calls per client per round. */
  perRound: number;
}

/** Everything the suites need to know. */
export interface BenchConfig {
  quick: boolean;
  /** The model every request names (kimi-k2.6, sent with thinking off). */
  model: string;
  overhead: { concurrency: number; plan: RoundPlan }[];
  streaming: { replyTokens: number; plan: RoundPlan };
  decode: { replyTokens: number; plan: RoundPlan };
  memory: {
    /** Clients measured; the raw baseline and ours (peers' memory is not a goal and costs minutes). */
    clients: ClientId[];
    sequentialRequests: number;
    sampleEvery: number;
    concurrentStreams: number;
    waves: number;
    streamReplyTokens: number;
    streamChunkDelayMs: number;
  };
  /** Extra client CPU per request over the floor as the request grows (suite growth). */
  growth: GrowthCase[];
  coldStart: { runs: number };
  /** The gateway against calling the emulator directly. */
  gateway: {
    concurrency: number;
    plan: RoundPlan;
    streams: number;
    memoryRequests: number;
    sampleEvery: number;
  };
  emulator: { requests: number; concurrency: number; streamReplyTokens: number; streams: number };
  /** The fault soak: chat and stream mixed, a share with injected faults, heap read along the way. */
  faultSoak: { requests: number; concurrency: number; faultRate: number; heapEvery: number };
}

/** Builds the configuration; `quick` shrinks every count. */
export function benchConfig(quick: boolean): BenchConfig {
  const q = (full: number, small: number) => (quick ? small : full);
  return {
    quick,
    model: BENCH_MODEL,
    overhead: [
      { concurrency: 1, plan: { warmup: q(300, 100), rounds: q(12, 4), perRound: q(250, 100) } },
      { concurrency: 64, plan: { warmup: q(1000, 300), rounds: q(10, 4), perRound: q(600, 300) } },
    ],
    streaming: { replyTokens: 4000, plan: { warmup: q(5, 2), rounds: q(6, 3), perRound: q(8, 3) } },
    decode: { replyTokens: 4000, plan: { warmup: q(5, 2), rounds: q(6, 3), perRound: q(8, 3) } },
    memory: {
      clients: ["raw", "kimi"],
      sequentialRequests: q(10_000, 2_000),
      sampleEvery: q(1_000, 250),
      concurrentStreams: q(1_000, 300),
      waves: q(4, 3),
      // Few chunks, spaced out: the streams are all open at once without making the emulator
      // (one process, one core) generate 50,000 chunks per wave.
      streamReplyTokens: 20,
      streamChunkDelayMs: 5,
    },
    growth: growthCases(q),
    coldStart: { runs: q(10, 4) },
    gateway: {
      concurrency: 64,
      plan: { warmup: q(500, 200), rounds: q(6, 2), perRound: q(500, 200) },
      streams: q(20, 6),
      memoryRequests: q(10_000, 1_000),
      sampleEvery: q(1_000, 250),
    },
    emulator: {
      requests: q(20_000, 5_000),
      concurrency: 64,
      streamReplyTokens: 4000,
      streams: q(40, 10),
    },
    // Multiples of 80, so the faults spread evenly over the 8 kinds, chat and stream alike.
    faultSoak: {
      requests: q(4_000, 800),
      concurrency: 32,
      faultRate: 0.2,
      heapEvery: q(400, 200),
    },
  };
}

function growthCases(q: (full: number, small: number) => number): GrowthCase[] {
  const small = { warmup: q(200, 50), rounds: q(6, 3), perRound: q(250, 100) };
  const large = { warmup: q(30, 10), rounds: q(9, 3), perRound: q(60, 20) };
  const huge = { warmup: q(4, 2), rounds: q(9, 2), perRound: q(8, 3) };
  const chat = { model: BENCH_MODEL, tools: 0, promptChars: 0, fresh: "none" } as const;
  const mib = { ...chat, model: "kimi-k3", messages: 0, promptChars: 1_048_576, plan: huge };
  return [
    { ...chat, label: "1 message", messages: 1, plan: small },
    { ...chat, label: "100 messages", messages: 100, plan: small },
    { ...chat, label: "1,000 messages", messages: 1_000, plan: large },
    {
      ...chat,
      label: "1,000 messages, new objects each send",
      messages: 1_000,
      fresh: "objects",
      plan: large,
    },
    { ...chat, label: "10 tools (1 message)", messages: 1, tools: 10, plan: small },
    { ...mib, label: "1 MiB prompt to kimi-k3" },
    { ...mib, label: "1 MiB prompt to kimi-k3, new text each send", fresh: "text" },
  ];
}
