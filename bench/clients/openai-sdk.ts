/** The official `openai` SDK pointed at the emulator, as a peer. */
import OpenAI from "openai";
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

/** Creates the openai-SDK client (retries off, like every other row). */
export function createOpenAIClient(baseURL: string): BenchClient {
  const name = "openai SDK";
  const client = new OpenAI({ apiKey: BENCH_API_KEY, baseURL, maxRetries: 0 });
  return {
    name,
    async chat() {
      // `thinking` is Moonshot's own field: the SDK passes unknown body fields through.
      const completion = await client.chat.completions.create({
        model: BENCH_MODEL,
        messages: BENCH_MESSAGES,
        thinking: BENCH_THINKING,
      } as OpenAI.ChatCompletionCreateParamsNonStreaming);
      return expectText(name, completion.choices[0]?.message.content);
    },
    async stream(replyTokens, chunkDelayMs = 0) {
      const stream = await client.chat.completions.create(
        {
          model: BENCH_MODEL,
          messages: BENCH_MESSAGES,
          thinking: BENCH_THINKING,
          stream: true,
          stream_options: { include_usage: true },
        } as OpenAI.ChatCompletionCreateParamsStreaming,
        { headers: streamHeaders(replyTokens, chunkDelayMs) },
      );
      const run: StreamRun = { chunks: 0, firstChunkAt: 0 };
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta?.content) {
          if (run.chunks === 0) run.firstChunkAt = performance.now();
          run.chunks++;
        }
      }
      return expectChunks(name, run, replyTokens);
    },
  };
}
