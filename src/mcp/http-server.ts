/**
 * The Streamable HTTP face of the MCP server (https://modelcontextprotocol.io/specification/
 * 2025-06-18/basic/transports#streamable-http): one endpoint, `/mcp`; each `initialize` opens a
 * session (its own `Mcp-Session-Id`, tools, client, usage and budget) served by the SDK's
 * `StreamableHTTPServerTransport`. Before the SDK sees a request: the bearer token when one is
 * configured (401 otherwise), and on a loopback bind a loopback `Host` header (403 otherwise,
 * against DNS rebinding).
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { hasBearerToken } from "./bearer-token.ts";
import type { KimiMcpSession } from "./kimi-mcp-session.ts";
import { isLoopbackHost, isLoopbackHostHeader } from "./loopback-host.ts";

/** The path of the MCP endpoint. */
export const MCP_HTTP_PATH = "/mcp";

/** Largest request body read (the SDK's own default). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Sessions served at once; a new `initialize` beyond it first closes idle ones, else gets 503. */
const MAX_SESSIONS = 64;

/** A session with no request for this long may be closed to make room. */
const IDLE_SESSION_MS = 60 * 60_000;

/** Settings of {@link startHttpServer}. */
export interface HttpServerOptions {
  host: string;
  port: number;
  /** Required bearer token; `undefined`: none (only allowed on loopback). */
  token: string | undefined;
  /** Opens a session for a new `initialize`. */
  createSession: () => KimiMcpSession;
  log: (line: string) => void;
}

/** A listening HTTP server. */
export interface RunningHttpServer {
  /** `http://HOST:PORT/mcp`. */
  readonly url: string;
  readonly port: number;
  /** Closes every session (waiting for their cleanup) and the listener. */
  close(): Promise<void>;
}

interface Entry {
  session: KimiMcpSession;
  transport: StreamableHTTPServerTransport;
  lastUsed: number;
}

function sendError(res: ServerResponse, status: number, message: string, headers = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new RangeError("body too large");
    chunks.push(buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

/** Starts listening. Rejects with the listen error (EADDRINUSE, EADDRNOTAVAIL, ...). */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const sessions = new Map<string, Entry>();
  const loopback = isLoopbackHost(options.host);

  const closeEntry = async (id: string, entry: Entry) => {
    sessions.delete(id);
    await entry.session.close().catch(() => undefined);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== MCP_HTTP_PATH) {
      sendError(res, 404, `Not found: the MCP endpoint is ${MCP_HTTP_PATH}.`);
      return;
    }
    if (loopback && !isLoopbackHostHeader(req.headers.host)) {
      sendError(res, 403, "Forbidden: this server only answers requests addressed to localhost.");
      return;
    }
    if (options.token !== undefined && !hasBearerToken(req.headers, options.token)) {
      sendError(res, 401, "Unauthorized: send Authorization: Bearer <token>.", {
        "www-authenticate": 'Bearer realm="kimi-provider"',
      });
      return;
    }
    const sessionId = req.headers["mcp-session-id"];
    if (typeof sessionId === "string") {
      const entry = sessions.get(sessionId);
      if (!entry) {
        sendError(res, 404, "Session not found: it was closed or expired. Initialize a new one.");
        return;
      }
      entry.lastUsed = Date.now();
      await entry.transport.handleRequest(req, res);
      return;
    }
    if (req.method !== "POST") {
      sendError(res, 400, "Bad request: no Mcp-Session-Id. Start with an initialize request.");
      return;
    }
    let body: unknown;
    try {
      body = await readJson(req);
    } catch {
      sendError(res, 400, "Bad request: the body is not JSON (or over 4 MB).");
      return;
    }
    if (!isInitializeRequest(body)) {
      sendError(res, 400, "Bad request: no Mcp-Session-Id. Start with an initialize request.");
      return;
    }
    if (sessions.size >= MAX_SESSIONS) {
      const now = Date.now();
      for (const [id, entry] of sessions) {
        if (now - entry.lastUsed >= IDLE_SESSION_MS) await closeEntry(id, entry);
      }
    }
    if (sessions.size >= MAX_SESSIONS) {
      sendError(res, 503, `Too many sessions (${MAX_SESSIONS}): close one, or try again later.`);
      return;
    }
    const session = options.createSession();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { session, transport, lastUsed: Date.now() });
      },
    });
    transport.onclose = () => {
      const id = transport.sessionId;
      const entry = id === undefined ? undefined : sessions.get(id);
      if (id !== undefined && entry) void closeEntry(id, entry);
    };
    await session.server.connect(transport);
    await transport.handleRequest(req, res, body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.log(`HTTP request failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) sendError(res, 500, "Internal error.");
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${urlHost}:${port}${MCP_HTTP_PATH}`,
    port,
    close: async () => {
      await Promise.allSettled([...sessions].map(([id, entry]) => closeEntry(id, entry)));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
