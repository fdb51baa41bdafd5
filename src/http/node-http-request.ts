/**
 * Sends one request with Node's own `http`/`https` modules over a keep-alive agent.
 *
 * Why not `fetch`: on every request undici's `fetch` builds WHATWG Request/Response objects and
 * web streams, and does extra work when handed an `AbortSignal` (which every request needs for its
 * timeout). Against a loopback server, `node:http` costs well under half of `fetch`'s CPU per
 * request (see `npm run bench`), and a provider sits on every request's path. A user-supplied
 * `fetch` (proxies, tests) still goes through `fetch`.
 */
import type { IncomingMessage } from "node:http";
import { createRequire } from "node:module";
import { BodyLimitExceeded } from "./body-limit.ts";
import type { HeaderReader, RawResponse } from "./raw-response.ts";

type HttpModule = typeof import("node:http");

interface Sender {
  request: HttpModule["request"];
  agent: InstanceType<HttpModule["Agent"]>;
}

// Loaded on the first request, not at import: `node:https` pulls in TLS, which would double the
// library's import time for programs that never send anything.
const load = createRequire(import.meta.url);
const senders = new Map<string, Sender>();

/** The module and keep-alive agent for `http:` or `https:`, shared process-wide like `fetch`'s pool. */
function senderFor(protocol: string): Sender {
  let sender = senders.get(protocol);
  if (!sender) {
    // `node:https` exports the same `request`/`Agent` shape as `node:http`.
    const module = load(protocol === "https:" ? "node:https" : "node:http") as HttpModule;
    sender = { request: module.request, agent: new module.Agent({ keepAlive: true }) };
    senders.set(protocol, sender);
  }
  return sender;
}

/** A request in flight: the response promise and a way to tear it down at any point. */
export interface NodeHttpExchange {
  response: Promise<RawResponse>;
  /** Destroys the socket; a pending response or body read then rejects. */
  destroy: () => void;
}

function headerReader(message: IncomingMessage): HeaderReader {
  const headers = message.headers;
  return {
    get(name: string): string | null {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

function readText(message: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let total = 0;
    const incomplete = () =>
      reject(new Error("The connection closed before the response body was complete."));
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) {
        // Stop holding bytes at once and drop the socket: the rest is never read.
        message.off("data", onData);
        parts.length = 0;
        reject(new BodyLimitExceeded(total));
        message.destroy();
        return;
      }
      parts.push(chunk);
    };
    message.on("data", onData);
    message.on("end", () => {
      if (message.complete) resolve(Buffer.concat(parts).toString("utf8"));
      else incomplete();
    });
    message.on("error", reject);
    message.on("aborted", incomplete);
  });
}

/** Starts `method url` with `headers` and an optional UTF-8 `body`. */
export function startNodeHttpRequest(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
): NodeHttpExchange {
  const sender = senderFor(url.protocol);
  const outgoing =
    body === undefined
      ? headers
      : { ...headers, "Content-Length": String(Buffer.byteLength(body)) };
  const request = sender.request(url, { method, headers: outgoing, agent: sender.agent });
  const response = new Promise<RawResponse>((resolve, reject) => {
    request.once("error", reject);
    request.once("response", (message: IncomingMessage) => {
      resolve({
        status: message.statusCode ?? 0,
        headers: headerReader(message),
        text: (maxBytes) => readText(message, maxBytes),
        body: message,
      });
    });
  });
  request.end(body);
  return { response, destroy: () => request.destroy() };
}
