/** The Vercel AI SDK (`generateText` / `streamText`) with `@ai-sdk/moonshotai`, as a peer. */
import { createMoonshotAI } from "@ai-sdk/moonshotai";
import { generateText, type LanguageModel, streamText } from "ai";
import {
  BENCH_API_KEY,
  BENCH_MESSAGES,
  BENCH_MODEL,
  BENCH_THINKING,
  type BenchClient,
  expectChunks,
  expectText,
  type StreamRun,
  streamHeaders,
} from "./client.ts";

/** Creates the AI SDK client (retries off, like every other row). */
export function createAiSdkClient(baseURL: string): BenchClient {
  const model = createMoonshotAI({ apiKey: BENCH_API_KEY, baseURL })(BENCH_MODEL);
  return aiSdkClient("AI SDK + @ai-sdk/moonshotai", model, {
    moonshotai: { thinking: BENCH_THINKING },
  });
}

/**
 * The bench calls made through the AI SDK for `model`, whichever provider made it: both AI SDK
 * rows measure the very same `generateText` / `streamText` code, only the provider differs.
 */
export function aiSdkClient(
  name: string,
  model: LanguageModel,
  providerOptions: NonNullable<Parameters<typeof generateText>[0]["providerOptions"]>,
): BenchClient {
  return {
    name,
    async chat() {
      const result = await generateText({
        model,
        messages: BENCH_MESSAGES,
        maxRetries: 0,
        providerOptions,
      });
      return expectText(name, result.text);
    },
    async stream(replyTokens, chunkDelayMs = 0) {
      const result = streamText({
        model,
        messages: BENCH_MESSAGES,
        maxRetries: 0,
        providerOptions,
        headers: streamHeaders(replyTokens, chunkDelayMs),
        // Errors arrive as `error` parts below; the default handler would also print them.
        onError: () => {},
      });
      const run: StreamRun = { chunks: 0, firstChunkAt: 0 };
      for await (const part of result.fullStream) {
        if (part.type === "text-delta" && part.text) {
          if (run.chunks === 0) run.firstChunkAt = performance.now();
          run.chunks++;
        } else if (part.type === "error") {
          throw part.error instanceof Error ? part.error : new Error(String(part.error));
        }
      }
      return expectChunks(name, run, replyTokens);
    },
  };
}
