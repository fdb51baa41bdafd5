/**
 * The floors: Node's own `fetch` with nothing on top (non-streamed), and `fetch` plus
 * `eventsource-parser` and `JSON.parse` per event (streamed) — the least any client must do.
 */
import { createParser } from "eventsource-parser";
import {
  BENCH_CHAT_BODY,
  BENCH_STREAM_BODY,
  BENCH_WIRE_HEADERS,
  type BenchClient,
  expectChunks,
  expectText,
  type StreamRun,
  streamHeaders,
} from "./client.ts";

interface CompletionBody {
  choices: { message: { content: string } }[];
}
interface ChunkBody {
  choices: { delta?: { content?: string } }[];
}

/** Creates the raw-fetch baseline client. */
export function createRawFetchClient(baseURL: string, name = "raw fetch"): BenchClient {
  const url = `${baseURL}/chat/completions`;
  const headers = BENCH_WIRE_HEADERS;
  const chatBody = BENCH_CHAT_BODY;
  const streamBody = BENCH_STREAM_BODY;
  return {
    name,
    async chat() {
      const response = await fetch(url, { method: "POST", headers, body: chatBody });
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      const body = (await response.json()) as CompletionBody;
      return expectText(name, body.choices[0]?.message.content);
    },
    async stream(replyTokens, chunkDelayMs = 0) {
      const response = await fetch(url, {
        method: "POST",
        headers: { ...headers, ...streamHeaders(replyTokens, chunkDelayMs) },
        body: streamBody,
      });
      if (!response.ok || !response.body) {
        throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      }
      const run: StreamRun = { chunks: 0, firstChunkAt: 0 };
      const parser = createParser({
        onEvent(event) {
          if (event.data === "[DONE]") return;
          const chunk = JSON.parse(event.data) as ChunkBody;
          if (chunk.choices[0]?.delta?.content) {
            if (run.chunks === 0) run.firstChunkAt = performance.now();
            run.chunks++;
          }
        },
      });
      for await (const text of response.body.pipeThrough(new TextDecoderStream())) {
        parser.feed(text);
      }
      return expectChunks(name, run, replyTokens);
    },
  };
}
