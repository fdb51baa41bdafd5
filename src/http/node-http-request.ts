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
      if (!message.complete) incomplete();
      // One read is the common case for an API answer: decode it without copying it first.
      else if (parts.length === 1) resolve((parts[0] as Buffer).toString("utf8"));
      else resolve(Buffer.concat(parts).toString("utf8"));
    });
    message.on("error", reject);
    message.on("aborted", incomplete);
  });
}

/**
 * Where requests under one base URL go, as `http.request` options, built once per base URL:
 * handing `http.request` a `URL` (or a string) makes it convert that to options on every call.
 */
export interface NodeHttpTarget {
  readonly sender: Sender;
  readonly protocol: string;
  readonly hostname: string;
  readonly port: string;
  /** The base URL's path and query prefix, e.g. `/v1`; the request path is appended. */
  readonly basePath: string;
  readonly auth: string | undefined;
}

const targets = new Map<string, NodeHttpTarget>();

/** The target for `baseURL` (cached: a client sends every request under one base URL). */
export function nodeHttpTarget(baseURL: string): NodeHttpTarget {
  let target = targets.get(baseURL);
  if (target === undefined) {
    const url = new URL(baseURL);
    target = {
      sender: senderFor(url.protocol),
      protocol: url.protocol,
      // `[::1]` in a URL, `::1` for the socket (as `urlToHttpOptions` does).
      hostname: url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port,
      basePath: url.pathname === "/" ? "" : url.pathname,
      auth:
        url.username || url.password
          ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
          : undefined,
    };
    // Bounded: a process uses a handful of base URLs; a runaway caller must not grow this forever.
    if (targets.size >= 64) targets.clear();
    targets.set(baseURL, target);
  }
  return target;
}

/** Starts `method` on `path` under `target` with `headers` and an optional UTF-8 `body`. */
export function startNodeHttpRequest(
  target: NodeHttpTarget,
  path: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
): NodeHttpExchange {
  if (body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(body));
  const request = target.sender.request({
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port,
    path: target.basePath + path,
    auth: target.auth,
    method,
    headers,
    agent: target.sender.agent,
  });
  const response = new Promise<RawResponse>((resolve, reject) => {
    // `on`, not `once`: no wrapper per listener, and an error after the response (the body's own
    // reader reports it) still has a listener, so it can never be an unhandled 'error' event.
    request.on("error", reject);
    request.on("response", (message: IncomingMessage) => {
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
