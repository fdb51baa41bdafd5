/**
 * `startMcpServer()`: Kimi as an MCP server, on stdio (the default: one session, the host is the
 * parent process) or on Streamable HTTP (`http` set: one session per `initialize`). Validates
 * everything before serving: the `KIMI_*` configuration, the allowed directories, the budget,
 * and that a server bound to a non-loopback interface has a bearer token.
 */
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { RetryEvent } from "kimi-provider";
import { ConfigurationError, createKimi, type KimiOptions, MAX_FILE_BYTES } from "kimi-provider";
import { redactText } from "kimi-provider/internal";
import { resolveAllowedDirs } from "./allowed-roots.ts";
import type { ConversationLimits } from "./conversation-store.ts";
import { startHttpServer } from "./http-server.ts";
import { createKimiMcpSession, type KimiMcpSessionOptions } from "./kimi-mcp-session.ts";
import { isLoopbackHost } from "./loopback-host.ts";

/** Streamable HTTP settings. */
export interface McpHttpOptions {
  /** TCP port (default 0: a free one; see {@link RunningMcpServer.url}). */
  port?: number;
  /** Interface (default `127.0.0.1`). Any non-loopback host requires `token`. */
  host?: string;
  /** Bearer token every request must carry; required off loopback. */
  token?: string;
}

/** Options of {@link startMcpServer}. */
export interface McpServerOptions {
  /** Settings of each session's Kimi client (default: `KIMI_*` from the environment). */
  kimi?: KimiOptions;
  /**
   * The client talks to the local emulator, not Kimi: the server's instructions and every
   * result say so (the CLI sets it when no KIMI_API_KEY is set).
   */
  demo?: boolean;
  /** Directories the file tools may read, besides the roots the host declares. */
  allowDirs?: readonly string[];
  /** Per-session USD limit: once spent, billed tools answer with an error and send nothing. */
  maxCostUsd?: number;
  /** Largest file the file tools accept, bytes (default and maximum 100 MB, Moonshot's limit). */
  maxFileBytes?: number;
  /** Bounds of the `kimi_chat` conversations kept in memory. */
  conversations?: Partial<ConversationLimits>;
  /** Diagnostics, one line at a time (default: stderr). Never given the API key. */
  log?: (line: string) => void;
  /** Serve Streamable HTTP instead of stdio. */
  http?: McpHttpOptions;
  /** stdio only: the streams to use (default `process.stdin` / `process.stdout`). */
  stdio?: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream };
}

/** A running MCP server. */
export interface RunningMcpServer {
  /** Streamable HTTP: the endpoint URL, e.g. `http://127.0.0.1:8789/mcp`; stdio: `undefined`. */
  readonly url: string | undefined;
  /** Resolves when the server stopped (stdio: the host closed stdin; or after `close()`). */
  readonly closed: Promise<void>;
  /** Stops serving: aborts running calls, waits for their cleanup (uploaded files deleted). */
  close(): Promise<void>;
}

function checkOptions(options: McpServerOptions): void {
  const max = options.maxCostUsd;
  if (max !== undefined && !(Number.isFinite(max) && max >= 0)) {
    throw new ConfigurationError(
      `maxCostUsd ${String(max)} is invalid: use a number of USD, 0 or more.`,
      { setting: "maxCostUsd" },
    );
  }
  const bytes = options.maxFileBytes;
  if (bytes !== undefined && !(Number.isInteger(bytes) && bytes > 0 && bytes <= MAX_FILE_BYTES)) {
    throw new ConfigurationError(
      `maxFileBytes ${String(bytes)} is invalid: use a whole number of bytes from 1 to ${MAX_FILE_BYTES} (Moonshot's 100 MB limit).`,
      { setting: "maxFileBytes" },
    );
  }
  const http = options.http;
  if (http) {
    const host = http.host ?? "127.0.0.1";
    if (!isLoopbackHost(host) && (http.token === undefined || http.token === "")) {
      throw new ConfigurationError(
        `Refusing to serve on ${host} without an access token: anyone who can reach it could spend your Kimi credit. Set a token (--token or KIMI_MCP_TOKEN), or bind to 127.0.0.1.`,
        { setting: "token" },
      );
    }
  }
}

/**
 * Starts the server. Throws {@link ConfigurationError} for an invalid setting (nothing is
 * served), or the listen error for HTTP (e.g. `EADDRINUSE`).
 */
export async function startMcpServer(options: McpServerOptions = {}): Promise<RunningMcpServer> {
  checkOptions(options);
  const kimiOptions = options.kimi ?? {};
  // Validates KIMI_* once, before anything is served.
  const probe = createKimi(kimiOptions);
  const secrets = [probe.config.apiKey, options.http?.token].filter(
    (secret): secret is string => typeof secret === "string" && secret !== "",
  );
  const write =
    options.log ?? ((line: string) => process.stderr.write(`kimi-provider mcp: ${line}\n`));
  const log = (line: string) => write(redactText(line, secrets));
  const onRetry = (event: RetryEvent) => {
    log(
      `retrying ${event.method} ${event.path} (${event.attempt}/${event.maxRetries}) in ${event.delayMs} ms after ${event.error instanceof Error ? event.error.message : String(event.error)}`,
    );
    kimiOptions.onRetry?.(event);
  };
  const sessionOptions: KimiMcpSessionOptions = {
    createClient: () => createKimi({ ...kimiOptions, onRetry }),
    demo: options.demo ?? false,
    allowDirs: await resolveAllowedDirs(options.allowDirs ?? []),
    maxCostUsd: options.maxCostUsd,
    maxFileBytes: options.maxFileBytes ?? MAX_FILE_BYTES,
    conversations: options.conversations ?? {},
    secrets,
    log,
  };

  if (options.http) {
    const http = await startHttpServer({
      host: options.http.host ?? "127.0.0.1",
      port: options.http.port ?? 0,
      token: options.http.token === "" ? undefined : options.http.token,
      createSession: () => createKimiMcpSession(sessionOptions),
      log,
    });
    let resolveClosed: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => {
      resolveClosed = resolve;
    });
    let closing: Promise<void> | undefined;
    return {
      url: http.url,
      closed,
      close: () => {
        closing ??= http.close().finally(resolveClosed);
        return closing;
      },
    };
  }

  const session = createKimiMcpSession(sessionOptions);
  const stdin = options.stdio?.stdin ?? process.stdin;
  const transport = new StdioServerTransport(
    stdin as typeof process.stdin,
    (options.stdio?.stdout ?? process.stdout) as typeof process.stdout,
  );
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  let closing: Promise<void> | undefined;
  const close = () => {
    stdin.off("end", close);
    closing ??= session.close().finally(resolveClosed);
    return closing;
  };
  // The SDK's stdio transport does not watch for the end of stdin: the host closing it (or
  // exiting) is how a stdio server is told to stop.
  stdin.on("end", close);
  await session.server.connect(transport);
  return { url: undefined, closed, close };
}
