/**
 * The Vercel AI SDK (`generateText` / `streamText`) through kimi-provider's own provider, imported
 * from the BUILT subpath (`dist/ai-sdk/index.js`, what `kimi-provider/ai-sdk` resolves to), so
 * the row measures what users get; the `ai-sdk` row is the same calls through @ai-sdk/moonshotai.
 */
import { generateText, type LanguageModel, streamText } from "ai";
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

/** URL of the built AI SDK provider. */
export const AI_SDK_ENTRY = new URL("../../dist/ai-sdk/index.js", import.meta.url);

type CreateKimiProvider = (options: {
  apiKey: string;
  baseURL: string;
  maxRetries: number;
  env: Record<string, string>;
}) => (modelId: string) => LanguageModel;

/** Creates the AI SDK client on kimi-provider/ai-sdk (retries off in both layers). */
export async function createAiSdkKimiClient(baseURL: string): Promise<BenchClient> {
  const name = "AI SDK + kimi-provider/ai-sdk";
  const entry = (await import(AI_SDK_ENTRY.href)) as { createKimiProvider?: unknown };
  if (typeof entry.createKimiProvider !== "function") {
    throw new Error("dist/ai-sdk/index.js exports no createKimiProvider (run `npm run build`)");
  }
  const provider = (entry.createKimiProvider as CreateKimiProvider)({
    apiKey: BENCH_API_KEY,
    baseURL,
    maxRetries: 0,
    env: {},
  });
  const model = provider(BENCH_MODEL);
  // Thinking off, like every other row (BENCH_THINKING), so only content chunks stream.
  const providerOptions = { kimi: { thinking: false } };
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
