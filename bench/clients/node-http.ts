/**
 * A floor: bare `node:http` with a keep-alive Agent. Non-streamed: collect the body, one
 * `JSON.parse`. Streamed: decode as UTF-8 per read and split on blank lines ({@link SseSplitter}).
 * No abort, timeout, retry or validation: what any client costs at the least on Node's own HTTP.
 */
import http from "node:http";
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

/**
 * POSTs `body` to `/chat/completions` and hands the response to `onResponse`. A keep-alive socket
 * the server closed while idle fails the next request on it before any response byte
 * (ECONNRESET / "socket hang up" on a reused socket); like every keep-alive client, the floor
 * sends that request again once on a new socket (Node's documented `reusedSocket` pattern).
 */
export function nodeHttpPost<T>(
  agent: http.Agent,
  target: { hostname: string; port: string; path: string },
  headers: Record<string, string>,
  body: string,
  onResponse: (response: http.IncomingMessage, resolve: (value: T) => void) => void,
): Promise<T> {
  const sized = { ...headers, "content-length": String(Buffer.byteLength(body)) };
  const attempt = (retried: boolean) =>
    new Promise<T>((resolve, reject) => {
      const request = http.request(
        {
          agent,
          method: "POST",
          hostname: target.hostname,
          port: target.port,
          path: target.path,
          headers: sized,
        },
        (response) => {
          response.on("error", reject);
          if (response.statusCode !== 200) {
            let text = "";
            response.setEncoding("utf8");
            response.on("data", (piece: string) => {
              text += piece;
            });
            response.on("end", () => reject(new Error(`HTTP ${response.statusCode}: ${text}`)));
            return;
          }
          try {
            onResponse(response, resolve);
          } catch (error) {
            reject(error);
          }
        },
      );
      request.on("error", (error: NodeJS.ErrnoException) => {
        if (!retried && request.reusedSocket && error.code === "ECONNRESET") {
          attempt(true).then(resolve, reject);
        } else {
          reject(error);
        }
      });
      request.end(body);
    });
  return attempt(false);
}

/** Collects a response body and parses it as JSON. */
export function readJson(response: http.IncomingMessage, resolve: (value: unknown) => void): void {
  const pieces: Buffer[] = [];
  response.on("data", (piece: Buffer) => pieces.push(piece));
  response.on("end", () => resolve(JSON.parse(Buffer.concat(pieces).toString("utf8"))));
}

/** Creates the bare node:http client. */
export function createNodeHttpClient(baseURL: string, name = "node:http"): BenchClient {
  const url = new URL(`${baseURL}/chat/completions`);
  const target = { hostname: url.hostname, port: url.port, path: url.pathname };
  const agent = new http.Agent({ keepAlive: true });
  const headers = BENCH_WIRE_HEADERS;
  const chatBody = BENCH_CHAT_BODY;
  const streamBody = BENCH_STREAM_BODY;
  return {
    name,
    async chat() {
      const body = (await nodeHttpPost(
        agent,
        target,
        headers,
        chatBody,
        readJson,
      )) as CompletionBody;
      return expectText(name, body.choices[0]?.message.content);
    },
    async stream(replyTokens, chunkDelayMs = 0) {
      const splitter = new SseSplitter();
      await nodeHttpPost<void>(
        agent,
        target,
        { ...headers, ...streamHeaders(replyTokens, chunkDelayMs) },
        streamBody,
        (response, resolve) => {
          response.setEncoding("utf8");
          response.on("data", (text: string) => splitter.feed(text));
          response.on("end", () => resolve());
        },
      );
      return expectChunks(name, splitter, replyTokens);
    },
  };
}
