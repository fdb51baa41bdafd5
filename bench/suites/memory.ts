/**
 * Suite 3 (child process, `--expose-gc`, one client per process so each starts clean):
 * resident memory over many sequential requests, and during waves of concurrent streams.
 * Readings are taken after a full GC, so what remains is live data; a leak shows as growth
 * that keeps going after warm-up instead of flattening.
 */
import { type ClientId, describeError, loadClients } from "../clients/index.ts";
import { childInput, runSuite } from "../lib/child.ts";
import { gcExposed, mib, RssSampler, settledRss } from "../lib/memory.ts";

/** Input from the orchestrator. */
export type MemoryInput =
  | {
      mode: "sequential";
      baseURL: string;
      client: ClientId;
      requests: number;
      sampleEvery: number;
    }
  | {
      mode: "concurrent-streams";
      baseURL: string;
      client: ClientId;
      streams: number;
      waves: number;
      replyTokens: number;
      chunkDelayMs: number;
    };

/** Sequential-requests result (MiB). */
export interface SequentialMemory {
  mode: "sequential";
  id: ClientId;
  name: string;
  requests: number;
  /** Settled RSS after each `sampleEvery` requests; the first is the warm-up reading. */
  rssMiB: number[];
  /** Settled V8 heap used at the same points. */
  heapMiB: number[];
  /** Last minus first (post-warm-up) reading. */
  rssGrowthAfterWarmupMiB: number;
  heapGrowthAfterWarmupMiB: number;
  /** Growth over the second half of the readings: near zero when growth has flattened. */
  rssGrowthSecondHalfMiB: number;
  heapGrowthSecondHalfMiB: number;
  error: string | null;
}

/** Concurrent-streams result (MiB). */
export interface StreamsMemory {
  mode: "concurrent-streams";
  id: ClientId;
  name: string;
  streams: number;
  waves: number;
  /** Settled RSS before the first wave. */
  rssBeforeMiB: number;
  /** Highest RSS sampled while a wave was in flight. */
  peakDuringMiB: number;
  /** Settled RSS after each wave. */
  rssAfterWaveMiB: number[];
  heapAfterWaveMiB: number[];
  /** Last wave minus first wave (settled): the growth that did not flatten. */
  rssGrowthAfterFirstWaveMiB: number;
  heapGrowthAfterFirstWaveMiB: number;
  /** Streams the client failed, over all waves; `error` holds the first reason. */
  failedStreams: number;
  error: string | null;
}

async function heapUsed(): Promise<number> {
  await settledRss();
  return process.memoryUsage().heapUsed;
}

async function main(): Promise<SequentialMemory | StreamsMemory> {
  const input = childInput<MemoryInput>();
  if (!gcExposed()) throw new Error("memory suite needs --expose-gc");
  const [entry] = await loadClients([input.client], input.baseURL);
  if (!entry) throw new Error(`unknown client ${input.client}`);
  const error = "error" in entry ? entry.error : null;
  if (input.mode === "sequential") {
    const result: SequentialMemory = {
      mode: "sequential",
      id: entry.id,
      name: entry.name,
      requests: 0,
      rssMiB: [],
      heapMiB: [],
      rssGrowthAfterWarmupMiB: Number.NaN,
      heapGrowthAfterWarmupMiB: Number.NaN,
      rssGrowthSecondHalfMiB: Number.NaN,
      heapGrowthSecondHalfMiB: Number.NaN,
      error,
    };
    if (!("client" in entry)) return result;
    try {
      for (let i = 1; i <= input.requests; i++) {
        await entry.client.chat();
        result.requests = i;
        if (i % input.sampleEvery === 0) {
          result.heapMiB.push(mib(await heapUsed()));
          result.rssMiB.push(mib(await settledRss()));
        }
      }
    } catch (caught) {
      result.error = describeError(caught);
    }
    result.rssGrowthAfterWarmupMiB = growth(result.rssMiB);
    result.heapGrowthAfterWarmupMiB = growth(result.heapMiB);
    result.rssGrowthSecondHalfMiB = growth(secondHalf(result.rssMiB));
    result.heapGrowthSecondHalfMiB = growth(secondHalf(result.heapMiB));
    return result;
  }
  const result: StreamsMemory = {
    mode: "concurrent-streams",
    id: entry.id,
    name: entry.name,
    streams: input.streams,
    waves: input.waves,
    rssBeforeMiB: mib(await settledRss()),
    peakDuringMiB: 0,
    rssAfterWaveMiB: [],
    heapAfterWaveMiB: [],
    rssGrowthAfterFirstWaveMiB: Number.NaN,
    heapGrowthAfterFirstWaveMiB: Number.NaN,
    failedStreams: 0,
    error,
  };
  if (!("client" in entry)) return result;
  const { client } = entry;
  const sampler = new RssSampler();
  try {
    for (let wave = 0; wave < input.waves; wave++) {
      sampler.start();
      // allSettled: a stream the client fails (e.g. a keep-alive race under load) is counted
      // and reported, and the memory readings of the wave still stand.
      const settled = await Promise.allSettled(
        Array.from({ length: input.streams }, () =>
          client.stream(input.replyTokens, input.chunkDelayMs),
        ),
      );
      sampler.stop();
      for (const outcome of settled) {
        if (outcome.status === "fulfilled") continue;
        result.failedStreams++;
        result.error ??= describeError(outcome.reason);
      }
      result.heapAfterWaveMiB.push(mib(await heapUsed()));
      result.rssAfterWaveMiB.push(mib(await settledRss()));
    }
  } catch (caught) {
    sampler.stop();
    result.error = describeError(caught);
  }
  result.peakDuringMiB = mib(sampler.peak);
  result.rssGrowthAfterFirstWaveMiB = growth(result.rssAfterWaveMiB);
  result.heapGrowthAfterFirstWaveMiB = growth(result.heapAfterWaveMiB);
  return result;
}

function secondHalf(readings: readonly number[]): readonly number[] {
  return readings.slice(Math.floor((readings.length - 1) / 2));
}

function growth(readings: readonly number[]): number {
  const first = readings[0];
  const last = readings[readings.length - 1];
  return first === undefined || last === undefined
    ? Number.NaN
    : Math.round((last - first) * 10) / 10;
}

runSuite(main);
