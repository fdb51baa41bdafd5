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
import type { HeaderReader, RawResponse } from "./raw-response.ts";

type HttpModule = typeof import("node:http");

interface Sender {
  request: HttpModule["request"];
  agent: InstanceType<HttpModule["Agent"]>;
}

// Loaded on the first request, not at import: `node:https` pulls in TLS, which would double the
// library's import time for programs that never send anything.
const load = createRequire(import.meta.url);
let plain: Sender | undefined;
let secure: Sender | undefined;

/** The module and keep-alive agent for a protocol, shared process-wide like `fetch`'s pool. */
function senderFor(https: boolean): Sender {
  if (https) {
    if (!secure) {
      const module = load("node:https") as typeof import("node:https");
      secure = { request: module.request, agent: new module.Agent({ keepAlive: true }) };
    }
    return secure;
  }
  if (!plain) {
    const module = load("node:http") as HttpModule;
    plain = { request: module.request, agent: new module.Agent({ keepAlive: true }) };
  }
  return plain;
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

function readText(message: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    message.on("data", (chunk: Buffer) => parts.push(chunk));
    message.on("end", () => {
      if (message.complete) resolve(Buffer.concat(parts).toString("utf8"));
      else reject(new Error("The connection closed before the response body was complete."));
    });
    message.on("error", reject);
    message.on("aborted", () =>
      reject(new Error("The connection closed before the response body was complete.")),
    );
  });
}

/** Starts `method url` with `headers` and an optional UTF-8 `body`. */
export function startNodeHttpRequest(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
): NodeHttpExchange {
  const sender = senderFor(url.protocol === "https:");
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
        text: () => readText(message),
        body: message,
      });
    });
  });
  request.end(body);
  return { response, destroy: () => request.destroy() };
}
