/**
 * The shape every benchmarked client is adapted to, and the one request they all send, so a
 * row measures the client and nothing else.
 */

/**
 * Today's default model, kimi-k2.6, with thinking off ({@link BENCH_THINKING}): its streamed
 * answer is then content chunks only, so every client delivers the same chunks.
 */
export const BENCH_MODEL = "kimi-k2.6";

/** The `thinking` field every benchmark request carries: off, so no reasoning is streamed. */
export const BENCH_THINKING = { type: "disabled" } as const;

/** Any key: the emulator accepts any bearer unless started with `apiKey`. */
export const BENCH_API_KEY = "sk-bench-not-a-secret";

/** The conversation every client sends. */
export const BENCH_MESSAGES = [
  { role: "user" as const, content: "Say hello to the benchmark in one short sentence." },
];

/** Headers of the clients that write the wire request themselves (raw fetch and the floors). */
export const BENCH_WIRE_HEADERS = {
  "content-type": "application/json",
  authorization: `Bearer ${BENCH_API_KEY}`,
} as const;

/** The non-streamed request body those clients send, serialized once. */
export const BENCH_CHAT_BODY = JSON.stringify({
  model: BENCH_MODEL,
  messages: BENCH_MESSAGES,
  thinking: BENCH_THINKING,
});

/** The streamed request body those clients send (usage asked for, as the library does). */
export const BENCH_STREAM_BODY = JSON.stringify({
  model: BENCH_MODEL,
  messages: BENCH_MESSAGES,
  thinking: BENCH_THINKING,
  stream: true,
  stream_options: { include_usage: true },
});

/** Emulator control headers (docs/emulator.md): exact chunk count and pacing of a stream. */
export function streamHeaders(replyTokens: number, chunkDelayMs = 0): Record<string, string> {
  const headers: Record<string, string> = { "x-emulator-reply-tokens": String(replyTokens) };
  if (chunkDelayMs > 0) headers["x-emulator-chunk-delay-ms"] = String(chunkDelayMs);
  return headers;
}

/** What one streamed answer looked like to the client. */
export interface StreamRun {
  /** Text chunks (content deltas) the client delivered to its caller. */
  chunks: number;
  /** `performance.now()` when the first text chunk reached the caller. */
  firstChunkAt: number;
}

/** One benchmarked client. */
export interface BenchClient {
  readonly name: string;
  /** One non-streamed chat completion; resolves with the answer text. */
  chat(): Promise<string>;
  /**
   * One streamed completion of exactly `replyTokens` chunks, consumed to the end; the emulator
   * waits `chunkDelayMs` between chunks (0: as fast as it can).
   */
  stream(replyTokens: number, chunkDelayMs?: number): Promise<StreamRun>;
}

/** Throws unless a stream delivered the chunks the emulator was asked for. */
export function expectChunks(name: string, run: StreamRun, replyTokens: number): StreamRun {
  if (run.chunks !== replyTokens) {
    throw new Error(`${name}: expected ${replyTokens} text chunks, got ${run.chunks}`);
  }
  return run;
}

/** Throws unless a chat answer has text. */
export function expectText(name: string, text: unknown): string {
  if (typeof text !== "string" || text.length === 0) {
    throw new Error(`${name}: the answer has no text (${JSON.stringify(text)?.slice(0, 80)})`);
  }
  return text;
}
