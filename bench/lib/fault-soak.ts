/**
 * The fault soak: many chat and stream requests, at a fixed concurrency, through the library
 * against the emulator, a share of them carrying an injected fault (`x-emulator-fault`: errors
 * that a retry cures and errors it does not, cut connections, malformed chunks, delays, slow
 * streams). Every outcome is checked, not sampled:
 *
 * - every promise settles, exactly once;
 * - a request without a fault, or with one a retry cures, answers the same text as a fault-free
 *   run of the same request (a reference emulator with the same seed), so no answer is wrong,
 *   swapped with another request's or duplicated;
 * - a failure is the exact {@link KimiError} subclass expected for its fault, and the partial
 *   text of a broken stream is a prefix of the reference;
 * - the emulator saw each request exactly as many times as expected (its request log, counted
 *   by a per-request header): errors before any response byte are retried, a response that
 *   started is never re-sent.
 *
 * Used by `npm test` (test/library/fault-soak.test.ts, a size that runs in seconds) and by
 * `npm run bench` (bench/suites/fault-soak.ts, the full size with a heap check). Both hand in the
 * library and the emulator, so the bench can run the built package and the test the sources.
 */
import type * as EmulatorModule from "../../src/emulator/index.ts";
import type * as Library from "../../src/index.ts";

/** The library's public entry (sources or the built package). */
export type SoakLibrary = Pick<
  typeof Library,
  | "createKimi"
  | "KimiError"
  | "ServerError"
  | "OverloadedError"
  | "RateLimitError"
  | "InvalidRequestError"
  | "NetworkError"
  | "StreamTruncatedError"
  | "MalformedResponseError"
>;

/** The emulator's entry. */
export type SoakEmulator = Pick<typeof EmulatorModule, "startEmulator">;

/** How big a soak. */
export interface SoakOptions {
  /** Requests in all (chat and stream alternate). */
  requests: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Share of requests that carry a fault, 0..1 (spread evenly over the fault kinds). */
  faultRate: number;
  /** Emulator seed (both emulators). */
  seed?: number;
  /** Heap samples (after a GC, when `global.gc` is exposed) every this many settled requests. */
  heapEvery?: number;
}

/** The faults injected, and what each must produce. */
export const SOAK_FAULTS = [
  "error-retried",
  "rate-limit-retried",
  "error-500",
  "error-400",
  "cut",
  "malformed",
  "delay",
  "slow",
] as const;

/** One fault kind. */
export type SoakFault = (typeof SOAK_FAULTS)[number];

/** Counts per fault kind (and `none`). */
export interface SoakFaultCounts {
  requests: number;
  succeeded: number;
  /** Failures, by error class name. */
  errors: Record<string, number>;
}

/** What a soak found. */
export interface SoakReport {
  requests: number;
  concurrency: number;
  faultRate: number;
  /** Promises that settled (resolved or rejected), each counted once. */
  settled: number;
  succeeded: number;
  failed: number;
  /** Requests the emulator received, retries included. */
  attempts: number;
  /** Per fault kind. */
  byFault: Record<SoakFault | "none", SoakFaultCounts>;
  /** Every broken guarantee, one line each: empty when the soak passed. */
  problems: string[];
  durationMs: number;
  /** Heap used (MiB) at each sample; empty without `heapEvery`. */
  heapMiB: number[];
}

const MODEL = "kimi-k2.6";
const MAX_RETRIES = 2;
const ID_HEADER = "x-soak-id";

interface Expectation {
  /** The error class expected, or `undefined` for a success. */
  error: keyof SoakLibrary | undefined;
  /** How many times the emulator must see the request. */
  attempts: number;
}

function faultHeader(fault: SoakFault, id: number): string {
  switch (fault) {
    case "error-retried":
      // `times=1` with the request id in the value: only the first attempt gets the 503.
      return `error status=503 type=engine_overloaded_error times=1 id=${id} message=The engine is currently overloaded, please try again later`;
    case "rate-limit-retried":
      return `error status=429 type=rate_limit_reached_error times=1 id=${id} message=Your account org-emulator<ak-emulator> request reached organization max RPM: 3, please try again after 1 seconds`;
    case "error-500":
      return "error status=500 type=server_error";
    case "error-400":
      return "error status=400 type=invalid_request_error message=Invalid request: soak";
    case "cut":
      return "cut after=3";
    case "malformed":
      return "malformed after=2";
    case "delay":
      return "delay ms=15";
    case "slow":
      return "slow ms=1";
  }
}

function expectation(fault: SoakFault | "none", stream: boolean): Expectation {
  switch (fault) {
    case "none":
    case "delay":
    case "slow":
      return { error: undefined, attempts: 1 };
    case "error-retried":
    case "rate-limit-retried":
      return { error: undefined, attempts: 2 };
    case "error-500":
      return { error: "ServerError", attempts: 1 + MAX_RETRIES };
    case "error-400":
      return { error: "InvalidRequestError", attempts: 1 };
    case "cut":
      // Bytes had arrived: never re-sent. A stream reports what it got; a JSON body cut after
      // its headers is a connection failure that may have been processed.
      return { error: stream ? "StreamTruncatedError" : "NetworkError", attempts: 1 };
    case "malformed":
      return { error: "MalformedResponseError", attempts: 1 };
  }
}

/**
 * What request `i` is: `faultRate` of the requests carry a fault, spread evenly, each fault kind
 * in turn on a chat and on a stream; the others alternate chat and stream.
 */
function planOf(i: number, rate: number): { fault: SoakFault | "none"; stream: boolean } {
  // Deterministic: a request carries a fault when its share crosses a whole number.
  const faulted = Math.floor((i + 1) * rate) > Math.floor(i * rate);
  if (!faulted) return { fault: "none", stream: i % 2 === 1 };
  const nth = Math.floor(i * rate);
  const fault = SOAK_FAULTS[Math.floor(nth / 2) % SOAK_FAULTS.length] as SoakFault;
  return { fault, stream: nth % 2 === 1 };
}

function messagesOf(i: number) {
  return [{ role: "user" as const, content: `Soak request ${i}: tell me about item ${i % 23}.` }];
}

interface Outcome {
  content?: string;
  partial?: string;
  error?: unknown;
}

/** Runs the soak; never throws for a broken guarantee (see `problems`). */
export async function runFaultSoak(
  lib: SoakLibrary,
  emulatorModule: SoakEmulator,
  options: SoakOptions,
): Promise<SoakReport> {
  const seed = options.seed ?? 7;
  const total = options.requests;
  const emulator = await emulatorModule.startEmulator({
    seed,
    maxRecordedRequests: total * (MAX_RETRIES + 2),
  });
  const reference = await emulatorModule.startEmulator({ seed, maxRecordedRequests: 1 });
  const started = performance.now();
  const problems: string[] = [];
  const heapMiB: number[] = [];
  const byFault = Object.fromEntries(
    ["none", ...SOAK_FAULTS].map((name) => [name, { requests: 0, succeeded: 0, errors: {} }]),
  ) as Record<SoakFault | "none", SoakFaultCounts>;
  try {
    const client = (baseURL: string) =>
      lib.createKimi({
        apiKey: "sk-soak",
        baseURL,
        maxRetries: MAX_RETRIES,
        // Backoff stays tiny, but the cap must cover the recorded 429's "try again after 1
        // seconds": a service wait above maxDelayMs is not retried at all (it gives up, saying so).
        retry: { baseDelayMs: 1, maxDelayMs: 1_000 },
        env: {},
      });
    const kimi = client(emulator.baseURL);
    const referenceKimi = client(reference.baseURL);
    const thinking = { type: "disabled" as const };

    const send = async (
      i: number,
      stream: boolean,
      fault: SoakFault | "none",
    ): Promise<Outcome> => {
      const headers: Record<string, string> = { [ID_HEADER]: String(i) };
      if (fault !== "none") headers["x-emulator-fault"] = faultHeader(fault, i);
      const request = { model: MODEL, messages: messagesOf(i), thinking };
      if (!stream) {
        const result = await kimi.chat(request, { headers });
        return { content: result.content };
      }
      const run = kimi.stream(request, { headers });
      let text = "";
      try {
        for await (const event of run) if (event.type === "text-delta") text += event.text;
        const result = await run.result;
        if (result.content !== text) {
          problems.push(
            `request ${i}: stream events say ${JSON.stringify(text)}, result says ${JSON.stringify(result.content)}`,
          );
        }
        return { content: result.content };
      } catch (error) {
        return { error, partial: text };
      }
    };

    // The reference answers, fault-free, from a second emulator with the same seed.
    const referenceText = new Map<number, string>();
    await pool(total, options.concurrency, async (i) => {
      const result = await referenceKimi.chat(
        { model: MODEL, messages: messagesOf(i), thinking },
        { headers: { [ID_HEADER]: String(i) } },
      );
      referenceText.set(i, result.content);
    });

    const settledAt = new Map<number, number>();
    let settled = 0;
    let succeeded = 0;
    let failed = 0;
    const gc = (globalThis as { gc?: () => void }).gc;
    await pool(total, options.concurrency, async (i) => {
      const { fault, stream } = planOf(i, options.faultRate);
      const counts = byFault[fault];
      counts.requests++;
      let outcome: Outcome;
      try {
        outcome = await send(i, stream, fault);
      } catch (error) {
        outcome = { error };
      }
      settledAt.set(i, (settledAt.get(i) ?? 0) + 1);
      settled++;
      const expected = expectation(fault, stream);
      const want = referenceText.get(i);
      const kind = `request ${i} (${stream ? "stream" : "chat"}, ${fault})`;
      if (outcome.error === undefined) {
        succeeded++;
        counts.succeeded++;
        if (expected.error) problems.push(`${kind}: succeeded, expected ${expected.error}`);
        if (outcome.content !== want) {
          problems.push(
            `${kind}: answered ${JSON.stringify(outcome.content)}, expected ${JSON.stringify(want)}`,
          );
        }
      } else {
        failed++;
        const error = outcome.error;
        const name = error instanceof Error ? error.constructor.name : typeof error;
        counts.errors[name] = (counts.errors[name] ?? 0) + 1;
        if (!(error instanceof lib.KimiError)) {
          problems.push(`${kind}: failed with an untyped ${name}: ${String(error)}`);
        } else if (!expected.error) {
          problems.push(`${kind}: failed with ${name} (${error.message}), expected success`);
        } else if (error.constructor !== lib[expected.error]) {
          problems.push(
            `${kind}: failed with ${name} (${error.message}), expected ${expected.error}`,
          );
        }
        const partial =
          error instanceof lib.StreamTruncatedError ? error.partialContent : outcome.partial;
        if (partial && want !== undefined && !want.startsWith(partial)) {
          problems.push(
            `${kind}: partial text ${JSON.stringify(partial)} is not a prefix of ${JSON.stringify(want)}`,
          );
        }
      }
      if (options.heapEvery && settled % options.heapEvery === 0) {
        gc?.();
        heapMiB.push(Math.round((process.memoryUsage().heapUsed / 2 ** 20) * 10) / 10);
      }
    });

    // What the emulator received: attempts per request id.
    const attemptsOf = new Map<number, number>();
    for (const record of emulator.requests) {
      const id = Number(record.headers[ID_HEADER]);
      attemptsOf.set(id, (attemptsOf.get(id) ?? 0) + 1);
    }
    for (let i = 0; i < total; i++) {
      const { fault, stream } = planOf(i, options.faultRate);
      const expected = expectation(fault, stream).attempts;
      const seen = attemptsOf.get(i) ?? 0;
      if (seen !== expected) {
        problems.push(
          `request ${i} (${stream ? "stream" : "chat"}, ${fault}): the emulator saw it ${seen} times, expected ${expected}`,
        );
      }
      if (settledAt.get(i) !== 1) {
        problems.push(`request ${i}: settled ${settledAt.get(i) ?? 0} times`);
      }
    }
    const unknown = [...attemptsOf.keys()].filter((id) => !(id >= 0 && id < total));
    if (unknown.length > 0)
      problems.push(`the emulator saw requests with unknown ids: ${unknown.join(", ")}`);
    return {
      requests: total,
      concurrency: options.concurrency,
      faultRate: options.faultRate,
      settled,
      succeeded,
      failed,
      attempts: emulator.requests.length,
      byFault,
      problems,
      durationMs: Math.round(performance.now() - started),
      heapMiB,
    };
  } finally {
    await Promise.all([emulator.close(), reference.close()]);
  }
}

/** Runs `work(0..count-1)` with at most `concurrency` in flight. */
async function pool(
  count: number,
  concurrency: number,
  work: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next++;
      await work(i);
    }
  });
  await Promise.all(lanes);
}
