/**
 * A floor: `undici.request` (the Node team's HTTP client, from npm) over a keep-alive `Pool`.
 * Non-streamed: `body.json()`. Streamed: the body as UTF-8 text per read, split on blank lines
 * ({@link SseSplitter}). Like the node:http floor, nothing on top.
 */
import { Pool } from "undici";
import {
  BENCH_CHAT_BODY,
  BENCH_STREAM_BODY,
  BENCH_WIRE_HEADERS,
  type BenchClient,
  expectChunks,
  expectText,
  streamHeaders,
} from "./client.ts";
import { SseSplitter } from "./sse-split.ts";

interface CompletionBody {
  choices: { message: { content: string } }[];
}

/** Creates the undici client (one Pool per client, as long-lived code would hold it). */
export function createUndiciClient(baseURL: string, name = "undici.request + Pool"): BenchClient {
  const url = new URL(`${baseURL}/chat/completions`);
  const pool = new Pool(url.origin);
  const path = url.pathname;
  const headers = BENCH_WIRE_HEADERS;
  const chatBody = BENCH_CHAT_BODY;
  const streamBody = BENCH_STREAM_BODY;
  return {
    name,
    async chat() {
      const response = await pool.request({ method: "POST", path, headers, body: chatBody });
      if (response.statusCode !== 200) {
        throw new Error(`HTTP ${response.statusCode}: ${await response.body.text()}`);
      }
      const body = (await response.body.json()) as CompletionBody;
      return expectText(name, body.choices[0]?.message.content);
    },
    async stream(replyTokens, chunkDelayMs = 0) {
      const response = await pool.request({
        method: "POST",
        path,
        headers: { ...headers, ...streamHeaders(replyTokens, chunkDelayMs) },
        body: streamBody,
      });
      if (response.statusCode !== 200) {
        throw new Error(`HTTP ${response.statusCode}: ${await response.body.text()}`);
      }
      const splitter = new SseSplitter();
      const body = response.body;
      body.setEncoding("utf8");
      await new Promise<void>((resolve, reject) => {
        body.on("data", (text: string) => splitter.feed(text));
        body.on("end", resolve);
        body.on("error", reject);
      });
      return expectChunks(name, splitter, replyTokens);
    },
  };
}
