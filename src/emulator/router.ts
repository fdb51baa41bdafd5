/**
 * Routes one request: records it, checks auth, then applies faults (header `x-emulator-fault`
 * or the schedule; a request refused for its key never sees nor consumes a fault), dispatches to the endpoint handler and turns thrown `EmulatorApiError`s into the
 * service's error envelope (docs/moonshot-wire.md "Errors").
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { balanceBody, estimateBody } from "./account-api.ts";
import { bodyTooLarge, parseJson, readBody } from "./body-reader.ts";
import { handleChatCompletions } from "./chat-completions.ts";
import { EmulatorApiError, invalidAuthentication } from "./error-responses.ts";
import { type FaultKind, parseFaultHeader, takeHeaderFault } from "./faults.ts";
import { handleContent, handleDelete, handleGet, handleList, handleUpload } from "./files-api.ts";
import { type RequestContext, sendBody, sendError, sendJson } from "./http-response.ts";
import { formatLogLine } from "./request-log.ts";
import type { EmulatorState } from "./state.ts";

const FILE_ROUTE = /^\/v1\/files\/([^/]+)(\/content)?$/;

function routeNotFound(method: string, path: string): EmulatorApiError {
  return new EmulatorApiError(404, "resource_not_found_error", `No route for ${method} ${path}`);
}

async function readJson(ctx: RequestContext, state: EmulatorState): Promise<unknown> {
  const limit = state.limits.maxRequestBytes;
  const body = parseJson(await readBody(ctx, limit, state.bodyBudget, () => bodyTooLarge(limit)));
  ctx.record.body = body;
  return body;
}

async function dispatch(
  ctx: RequestContext,
  state: EmulatorState,
  modelsBody: string,
): Promise<void> {
  const { req, path } = ctx;
  const method = req.method ?? "GET";
  if (path === "/v1/chat/completions") {
    if (method !== "POST") throw routeNotFound(method, path);
    await handleChatCompletions(ctx, await readJson(ctx, state), state);
    return;
  }
  if (path === "/v1/models" && method === "GET") return sendBody(ctx, 200, modelsBody);
  if (path === "/v1/files") {
    if (method === "POST") return handleUpload(ctx, state);
    if (method === "GET") return handleList(ctx, state);
    throw routeNotFound(method, path);
  }
  const fileMatch = FILE_ROUTE.exec(path);
  if (fileMatch) {
    const id = decodeURIComponent(fileMatch[1] as string);
    if (fileMatch[2]) {
      if (method === "GET") return handleContent(ctx, state, id);
    } else if (method === "GET") {
      return handleGet(ctx, state, id);
    } else if (method === "DELETE") {
      return handleDelete(ctx, state, id);
    }
    throw routeNotFound(method, path);
  }
  if (path === "/v1/tokenizers/estimate-token-count" && method === "POST") {
    return sendJson(ctx, 200, estimateBody(await readJson(ctx, state), state.served));
  }
  if (path === "/v1/users/me/balance" && method === "GET") {
    return sendJson(ctx, 200, balanceBody(state.balance));
  }
  throw routeNotFound(method, path);
}

function authorized(req: IncomingMessage, apiKey: string | undefined): boolean {
  // Like the service, a request without a bearer token is refused (recorded 401); without a configured
  // key any token is accepted.
  if (apiKey === undefined) return /^Bearer \S+/.test(req.headers.authorization ?? "");
  return req.headers.authorization === `Bearer ${apiKey}`;
}

/** Builds the request listener for node:http. */
export function createRouter(
  state: EmulatorState,
  modelsBody: string,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = req.url ?? "/";
    const queryAt = url.indexOf("?");
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const method = req.method ?? "GET";
    const record = state.recorder.record(method, path, req.headers);
    const ctx: RequestContext = {
      req,
      res,
      path,
      record,
      fault: undefined,
      logExtra: "",
      stalledWriteMs: state.limits.stalledWriteMs,
    };
    res.once("finish", () => {
      record.outcome = "complete";
    });
    res.once("close", () => {
      if (!res.writableFinished) record.outcome = "aborted";
    });
    if (state.log) {
      const log = state.log;
      res.on("close", () => log(formatLogLine(record, ctx.logExtra)));
    }
    void serve(ctx, state, modelsBody);
  };
}

/** The fault for this request: its `x-emulator-fault` header, else the next scheduled one. */
function faultFor(ctx: RequestContext, state: EmulatorState): FaultKind | undefined {
  const header = ctx.req.headers["x-emulator-fault"];
  const parsed = typeof header === "string" ? parseFaultHeader(header) : undefined;
  if (parsed) return takeHeaderFault(parsed, header as string, state.headerFaultUses);
  return state.faults.take(ctx.req.method ?? "GET", ctx.path);
}

async function serve(ctx: RequestContext, state: EmulatorState, modelsBody: string): Promise<void> {
  const { req, res } = ctx;
  try {
    // Authentication first: a wrong key gets its 401 whatever fault the request asks for.
    if (!authorized(req, state.apiKey)) {
      req.resume();
      throw invalidAuthentication();
    }
    const fault = faultFor(ctx, state);
    ctx.fault = fault;
    if (fault?.kind === "delay") await state.sleep(fault.ms);
    if (fault?.kind === "error") {
      req.resume();
      sendError(ctx, fault.status, fault.type, fault.message);
      return;
    }
    await dispatch(ctx, state, modelsBody);
  } catch (error) {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    if (error instanceof EmulatorApiError) {
      sendError(ctx, error.status, error.type, error.message, error.headers);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      sendError(ctx, 500, "server_error", `Internal server error: ${message}`);
    }
    // An error answered before the body was read (e.g. upload too large): do not reuse the socket.
    if (!req.complete) res.once("finish", () => req.socket?.destroy());
  }
}
