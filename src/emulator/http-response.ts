/**
 * Writing responses: the headers every Moonshot response carries (`Msh-Request-Id`,
 * `X-Msh-Trace-Id`, `Msh-Trace-Mode`; docs/moonshot-wire.md "Headers"), JSON bodies, error
 * envelopes ("Errors"), and the per-request context handlers share. Non-streaming faults apply
 * here: `cut` destroys the socket before the body, `malformed` truncates the JSON.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { endWithBackpressure } from "./backpressure.ts";
import { errorBody, rateLimitHeaders } from "./error-responses.ts";
import type { FaultKind } from "./faults.ts";
import { requestId, traceId } from "./ids.ts";
import type { RecordedRequest } from "./request-log.ts";

/** Everything a handler needs about the request being served. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** Path without query. */
  path: string;
  /** The record in `emulator.requests` (handlers fill `body`). */
  record: RecordedRequest;
  /** The fault to apply to the body/stream, if any (errors and delays are applied earlier). */
  fault: FaultKind | undefined;
  /** Extra words for the log line (model, stream). */
  logExtra: string;
  /** How long a write waits for a client that reads nothing before its socket is closed. */
  stalledWriteMs: number;
}

/** Headers every response carries (recorded on the service's 2026 responses). */
export function baseHeaders(contentType: string): Record<string, string> {
  return {
    "content-type": contentType,
    "msh-request-id": requestId(),
    "msh-trace-mode": "on",
    "x-msh-trace-id": traceId(),
  };
}

/** Sends a complete body with the given status. */
export function sendBody(
  ctx: RequestContext,
  status: number,
  body: string,
  contentType = "application/json; charset=utf-8",
  extraHeaders: Readonly<Record<string, string>> = {},
): void {
  const { res, fault } = ctx;
  if (res.destroyed || res.headersSent) return;
  ctx.record.status = status;
  const headers = { ...baseHeaders(contentType), ...extraHeaders };
  if (fault?.kind === "cut") {
    res.writeHead(status, headers);
    res.flushHeaders();
    res.socket?.destroy();
    return;
  }
  let payload = body;
  if (fault?.kind === "malformed")
    payload = body.slice(0, Math.max(1, Math.floor(body.length / 2)));
  headers["content-length"] = String(Buffer.byteLength(payload));
  res.writeHead(status, headers);
  // A large body is written piece by piece, each waiting for a client that reads slowly.
  void endWithBackpressure(ctx, payload, ctx.stalledWriteMs);
}

/** Sends a JSON value, with extra headers if any. */
export function sendJson(
  ctx: RequestContext,
  status: number,
  value: unknown,
  extraHeaders: Readonly<Record<string, string>> = {},
): void {
  sendBody(ctx, status, JSON.stringify(value), undefined, extraHeaders);
}

/**
 * Sends the service's error envelope; a rate-limit 429 that names a wait also gets the wait
 * headers (docs/moonshot-wire.md "Rate limits").
 */
export function sendError(
  ctx: RequestContext,
  status: number,
  type: string,
  message: string,
  extraHeaders: Readonly<Record<string, string>> = {},
): void {
  sendBody({ ...ctx, fault: undefined }, status, errorBody(type, message), undefined, {
    ...rateLimitHeaders(status, type, message),
    ...extraHeaders,
  });
}
