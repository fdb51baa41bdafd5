/**
 * kimi-provider itself, imported from the BUILT package entry (`dist/kimi-provider.js`) to
 * measure what users get. Imported dynamically and checked at run time, so the bench still runs (and reports the
 * row as failed) while parts of the library are missing.
 */
import {
  BENCH_API_KEY,
  BENCH_MESSAGES,
  BENCH_MODEL,
  type BenchClient,
  expectChunks,
  expectText,
  type StreamRun,
  streamHeaders,
} from "./client.ts";

/** The request the bench sends: kimi-k2.6 with thinking off. */
interface BenchRequest {
  model: string;
  messages: typeof BENCH_MESSAGES;
  thinking: boolean;
}

/** The slice of the public API (see the README) the bench uses. */
interface KimiLike {
  chat(
    request: BenchRequest,
    options?: { headers?: Record<string, string> },
  ): Promise<{ content: string }>;
  stream(
    request: BenchRequest,
    options?: { headers?: Record<string, string> },
  ): AsyncIterable<{ type: string; text?: string }> & { result: Promise<unknown> };
}
type CreateKimi = (options: { apiKey: string; baseURL: string; maxRetries: number }) => unknown;

/** URL of the built library entry point. */
export const LIBRARY_ENTRY = new URL("../../dist/kimi-provider.js", import.meta.url);

function isKimiLike(value: unknown): value is KimiLike {
  const candidate = value as Partial<Record<keyof KimiLike, unknown>> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.chat === "function" &&
    typeof candidate.stream === "function"
  );
}

/** Creates the kimi-provider client from `dist/` (throws if the build lacks chat/stream). */
export async function createKimiProviderClient(baseURL: string): Promise<BenchClient> {
  const name = "kimi-provider";
  const library = (await import(LIBRARY_ENTRY.href)) as { createKimi?: unknown };
  if (typeof library.createKimi !== "function") {
    throw new Error("dist/kimi-provider.js exports no createKimi (run `npm run build`)");
  }
  const kimi = (library.createKimi as CreateKimi)({
    apiKey: BENCH_API_KEY,
    baseURL,
    maxRetries: 0,
  });
  if (!isKimiLike(kimi)) {
    throw new Error("createKimi() from dist/kimi-provider.js has no chat()/stream() yet");
  }
  return {
    name,
    async chat() {
      const result = await kimi.chat({
        model: BENCH_MODEL,
        messages: BENCH_MESSAGES,
        thinking: false,
      });
      return expectText(name, result.content);
    },
    async stream(replyTokens, chunkDelayMs = 0) {
      const stream = kimi.stream(
        { model: BENCH_MODEL, messages: BENCH_MESSAGES, thinking: false },
        { headers: streamHeaders(replyTokens, chunkDelayMs) },
      );
      const run: StreamRun = { chunks: 0, firstChunkAt: 0 };
      for await (const event of stream) {
        if (event.type === "text-delta" && event.text) {
          if (run.chunks === 0) run.firstChunkAt = performance.now();
          run.chunks++;
        }
      }
      await stream.result;
      return expectChunks(name, run, replyTokens);
    },
  };
}
