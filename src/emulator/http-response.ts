/**
 * Writing responses: the headers every Moonshot response carries (`Msh-Request-Id`,
 * `x-trace-id`, reference §1.4), JSON bodies, error envelopes (§5.1), and the per-request
 * context handlers share. Non-streaming faults apply here: `cut` destroys the socket before the
 * body, `malformed` truncates the JSON.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { errorBody } from "./error-responses.ts";
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
}

/** Headers every response carries. */
export function baseHeaders(contentType: string): Record<string, string> {
  const id = requestId();
  return {
    "content-type": contentType,
    "msh-request-id": id,
    "x-trace-id": traceId(),
  };
}

/** Sends a complete body with the given status. */
export function sendBody(
  ctx: RequestContext,
  status: number,
  body: string,
  contentType = "application/json; charset=utf-8",
): void {
  const { res, fault } = ctx;
  if (res.destroyed || res.headersSent) return;
  ctx.record.status = status;
  const headers = baseHeaders(contentType);
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
  res.end(payload);
}

/** Sends a JSON value. */
export function sendJson(ctx: RequestContext, status: number, value: unknown): void {
  sendBody(ctx, status, JSON.stringify(value));
}

/** Sends the service's error envelope. */
export function sendError(
  ctx: RequestContext,
  status: number,
  type: string,
  message: string,
): void {
  sendBody({ ...ctx, fault: undefined }, status, errorBody(type, message));
}
