/**
 * The gateway: a local HTTP server speaking the OpenAI/Moonshot wire format in front of Kimi
 * (docs/gateway.md). Any OpenAI-compatible client pointed at it gets its requests repaired for
 * Kimi, its usage and cost reported, and its key checked against the gateway's own keys; the
 * upstream Moonshot key never leaves this process.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ConfigurationError, type RetryPolicy } from "kimi-provider";
import { redactText, resolveStateDir } from "kimi-provider/internal";
import type { EmulatorOptions, RunningEmulator } from "../emulator/index.ts";
import { AccessControl, isLoopbackHost } from "./access-control.ts";
import { RelayedError, relayedErrorBody, serveChatCompletion } from "./chat-completions.ts";
import { errorBodyFor, GatewayRefusal, sendError } from "./error-envelope.ts";
import { FileRoutes, relayRequest } from "./files-routes.ts";
import { type GatewayConfigInput, resolveGatewayConfig } from "./gateway-config.ts";
import { LedgerWriter } from "./ledger-writer.ts";
import { GatewayMetrics } from "./metrics.ts";
import { chooseModel } from "./model-alias.ts";
import { openGatewayDatabase } from "./open-database.ts";
import { pruneRateWindows } from "./rate-window.ts";
import { pruneReasoning } from "./reasoning-memory.ts";
import { parseJsonBody, readBody } from "./request-body.ts";
import { openUpstream } from "./upstream.ts";

/** Port of `kimi-provider gateway` when `--port` is not given. */
export const DEFAULT_GATEWAY_PORT = 8788;
/** How often expired reasoning and old rate windows are deleted. */
const PRUNE_INTERVAL_MS = 10 * 60_000;

/** Options of {@link startGateway}. */
export interface GatewayOptions {
  /** TCP port; 0 picks a free one. Default {@link DEFAULT_GATEWAY_PORT}. */
  port?: number;
  /** Interface; default `127.0.0.1`. Any other address requires at least one gateway key. */
  host?: string;
  /** Environment (`KIMI_*`); default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Upstream key; default `KIMI_API_KEY`. Without one, the embedded emulator answers. */
  apiKey?: string;
  /** Upstream base URL; default `KIMI_BASE_URL`. */
  baseURL?: string;
  /** `postgres://...`; default `KIMI_GATEWAY_DATABASE_URL`, else the embedded PGlite. */
  databaseUrl?: string;
  /** State directory; default `KIMI_STATE_DIR`, else `~/.kimi-provider`. */
  stateDir?: string;
  /** Repairs, aliases and limits (see docs/gateway.md). */
  config?: GatewayConfigInput;
  /** Upstream retry settings over the library's defaults. */
  retry?: Partial<RetryPolicy>;
  /** Options of the embedded emulator, when there is no upstream key. */
  emulator?: EmulatorOptions;
  /** Receives one line per repair and per failure; default: discarded. */
  log?: (line: string) => void;
}

/** A running gateway. */
export interface RunningGateway {
  /** `http://HOST:PORT`. */
  readonly url: string;
  /** `url + "/v1"`: the base URL clients use. */
  readonly baseURL: string;
  /** Bound port. */
  readonly port: number;
  /** Bound interface. */
  readonly host: string;
  /** Where upstream is. */
  readonly upstreamBaseURL: string;
  /** The embedded emulator answering, when no upstream key was set. */
  readonly emulator: RunningEmulator | undefined;
  /** Where the state lives (no password). */
  readonly database: string;
  /** Whether clients must present gateway keys (some key was active at start). */
  readonly keysRequired: boolean;
  /** Stops serving, then closes the database and the emulator. */
  close(): Promise<void>;
}

/** The routes the gateway serves, as `route` labels of its metrics. */
const ROUTES = new Set([
  "/healthz",
  "/metrics",
  "/v1/chat/completions",
  "/v1/models",
  "/v1/tokenizers/estimate-token-count",
]);

/** The `route` label of `path`: any other path is "other", so random paths add no series. */
function routeName(path: string): string {
  if (path.startsWith("/v1/files")) return "/v1/files";
  return ROUTES.has(path) ? path : "other";
}

/** Starts a gateway; resolves once it listens. */
export async function startGateway(options: GatewayOptions = {}): Promise<RunningGateway> {
  const env = options.env ?? process.env;
  const config = resolveGatewayConfig(options.config);
  const host = options.host ?? "127.0.0.1";
  const stateDir = resolveStateDir(options.stateDir, env);
  const log = options.log ?? (() => undefined);
  const metrics = new GatewayMetrics();
  const databaseUrl = options.databaseUrl ?? (env.KIMI_GATEWAY_DATABASE_URL?.trim() || undefined);
  const db = await openGatewayDatabase({ databaseUrl, stateDir, serve: true });
  const access = new AccessControl(db);
  const keysRequired = await access.keysExist();
  if (!keysRequired && !isLoopbackHost(host)) {
    await db.close();
    throw new ConfigurationError(
      `Listening on ${host} would serve other machines, and this gateway has no keys. Create one first (\`kimi-provider gateway keys create NAME\`), or listen on 127.0.0.1.`,
      { setting: "--host" },
    );
  }
  let upstream: Awaited<ReturnType<typeof openUpstream>>;
  try {
    upstream = await openUpstream({
      env,
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      retry: options.retry,
      emulator: options.emulator,
      stateDir,
      onRetry: (event) => {
        metrics.retries.add({});
        log(
          `retry ${event.attempt}/${event.maxRetries} in ${event.delayMs} ms: ${event.error.code}`,
        );
      },
    });
  } catch (error) {
    await db.close();
    throw error;
  }
  const secrets = [upstream.secret];
  // Without a log, lines are not even redacted: a repair is logged on most requests.
  const safeLog =
    options.log === undefined ? () => undefined : (line: string) => log(redactText(line, secrets));
  const files = new FileRoutes(upstream, stateDir);
  const ledger = new LedgerWriter(db);
  const chatContext = { db, upstream, config, metrics, access, ledger, log: safeLog };

  async function route(req: IncomingMessage, res: ServerResponse, method: string, path: string) {
    if (path === "/healthz" && method === "GET") {
      await db.query("SELECT 1");
      const text = JSON.stringify({ status: "ok" });
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end(text);
      return;
    }
    const authenticated = access.authenticate(req);
    const identity = authenticated instanceof Promise ? await authenticated : authenticated;
    if (path === "/metrics" && method === "GET") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      res.end(metrics.render());
      return;
    }
    if (path === "/v1/chat/completions" && method === "POST") {
      await serveChatCompletion(req, res, identity, chatContext);
      return;
    }
    if (path === "/v1/models" && method === "GET") {
      await relayRequest(res, upstream, "GET", "/models");
      return;
    }
    if (path === "/v1/tokenizers/estimate-token-count" && method === "POST") {
      const body = parseJsonBody(await readBody(req, config.maxBodyBytes));
      if (
        body !== null &&
        typeof body === "object" &&
        typeof (body as { model?: unknown }).model === "string"
      ) {
        const typed = body as { model: string };
        typed.model = chooseModel(
          typed.model,
          config.repairs.modelAliases ? config.aliases : undefined,
          config.repairs.retiredModels,
        ).model;
      }
      await relayRequest(res, upstream, "POST", "/tokenizers/estimate-token-count", body);
      return;
    }
    if (await files.serve(req, res, method, path)) return;
    throw new GatewayRefusal({
      status: 404,
      type: "resource_not_found_error",
      code: "not_found",
      message: `The gateway has no ${method} ${path}. It serves /v1/chat/completions, /v1/models, /v1/files, /v1/tokenizers/estimate-token-count, /healthz and /metrics.`,
    });
  }

  const server: Server = createServer((req, res) => {
    const method = req.method ?? "GET";
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    res.on("finish", () =>
      metrics.requests.add({ route: routeName(path), status: String(res.statusCode) }),
    );
    route(req, res, method, path).catch((error: unknown) => {
      const body =
        error instanceof RelayedError ? relayedErrorBody(error.original) : errorBodyFor(error);
      metrics.errors.add({ code: body.code });
      if (body.status >= 500 || error instanceof RelayedError) {
        safeLog(`${method} ${path}: ${body.status} ${body.code}: ${body.message}`);
      }
      if (!req.complete) {
        // The body was refused before it was read (too large): read and discard the rest so the
        // client gets the answer instead of a reset, and close the connection after it.
        res.setHeader("connection", "close");
        req.resume();
      }
      sendError(res, body);
    });
  });
  server.keepAliveTimeout = 65_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? DEFAULT_GATEWAY_PORT, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await upstream.close();
    await db.close();
    throw error;
  }
  const prune = setInterval(() => {
    Promise.all([pruneReasoning(db), pruneRateWindows(db, new Date())]).catch((error: unknown) =>
      safeLog(`pruning failed: ${String(error)}`),
    );
  }, PRUNE_INTERVAL_MS);
  prune.unref();
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    baseURL: `${url}/v1`,
    port,
    host,
    upstreamBaseURL: upstream.baseURL,
    emulator: upstream.emulator,
    database: db.description,
    keysRequired,
    close() {
      closing ??= (async () => {
        clearInterval(prune);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await upstream.close();
        await ledger.drain();
        await db.close();
      })();
      return closing;
    },
  };
}
