/**
 * The Vercel AI SDK (`generateText` / `streamText`) through kimi-provider's own provider, imported
 * from the BUILT subpath (`dist/ai-sdk/index.js`, what `kimi-provider/ai-sdk` resolves to), so
 * the row measures what users get; the `ai-sdk` row is the same calls through @ai-sdk/moonshotai.
 */
import type { LanguageModel } from "ai";
import { aiSdkClient } from "./ai-sdk.ts";
import { BENCH_API_KEY, BENCH_MODEL, type BenchClient } from "./client.ts";

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
  // Thinking off, like every other row (BENCH_THINKING), so only content chunks stream.
  return aiSdkClient(name, provider(BENCH_MODEL), { kimi: { thinking: false } });
}
