/**
 * Helpers of the MCP tests: the SDK's own `Client` connected to the BUILT CLI
 * (`dist/cli/main.js mcp`) over stdio or Streamable HTTP, with a clean environment, every
 * server stderr line kept (to check that the key never appears).
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { type CallToolResult, ListRootsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { RecordedRequest, RunningEmulator } from "../../src/emulator/index.ts";
import { CLI, ensureBuilt } from "../cli/run-cli.ts";

/** A connected client, what the server wrote on stderr, and how to stop both. */
export interface McpConnection {
  client: Client;
  /** Everything the server wrote on stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

function cleanEnv(env: Record<string, string | undefined>): Record<string, string> {
  const result: Record<string, string> = { PATH: process.env.PATH ?? "", NO_COLOR: "1" };
  for (const [name, value] of Object.entries(env)) if (value !== undefined) result[name] = value;
  return result;
}

/** Options of the client side. */
export interface ClientOptions {
  /** Declare the `roots` capability and answer `roots/list` with these `file://` URIs. */
  roots?: () => string[];
}

function newClient(options: ClientOptions): Client {
  const client = new Client(
    { name: "kimi-provider-test", version: "1.0.0" },
    { capabilities: options.roots ? { roots: { listChanged: true } } : {} },
  );
  const roots = options.roots;
  if (roots) {
    client.setRequestHandler(ListRootsRequestSchema, async () => ({
      roots: roots().map((uri) => ({ uri })),
    }));
  }
  return client;
}

/** Spawns `kimi-provider mcp ARGS...` on stdio and connects a client to it. */
export async function connectStdio(
  args: readonly string[],
  env: Record<string, string | undefined>,
  options: ClientOptions = {},
): Promise<McpConnection> {
  ensureBuilt();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, "mcp", ...args],
    env: cleanEnv(env),
    stderr: "pipe",
  });
  let stderr = "";
  (transport.stderr as Readable | null)?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const client = newClient(options);
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

/** A `kimi-provider mcp --http` child process. */
export interface HttpServerProcess {
  child: ChildProcess;
  /** The endpoint printed on stdout. */
  url: string;
  stdout(): string;
  stderr(): string;
  /** SIGTERM, then waits for the exit code. */
  stop(): Promise<number | null>;
}

/** Spawns `kimi-provider mcp --http ARGS...` and waits for the URL it prints. */
export function startHttpProcess(
  args: readonly string[],
  env: Record<string, string | undefined>,
): Promise<HttpServerProcess> {
  ensureBuilt();
  const child = spawn(process.execPath, [CLI, "mcp", "--http", ...args], {
    env: cleanEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  return new Promise((resolve, reject) => {
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      if (url)
        resolve({
          child,
          url,
          stdout: () => stdout,
          stderr: () => stderr,
          stop: async () => {
            child.kill("SIGTERM");
            return exited;
          },
        });
    });
    void exited.then((code) =>
      reject(new Error(`mcp --http exited with ${code} before listening: ${stderr}`)),
    );
  });
}

/** Connects a client over Streamable HTTP. */
export async function connectHttp(
  url: string,
  headers: Record<string, string> = {},
  options: ClientOptions = {},
): Promise<Client> {
  const client = newClient(options);
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }),
  );
  return client;
}

/** The text parts of a tool result, joined by newlines. */
export function resultText(result: CallToolResult): string {
  return result.content
    .map((part) => (part.type === "text" ? part.text : ""))
    .filter((text) => text !== "")
    .join("\n");
}

/** Calls a tool and returns its result (typed). */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  options: Parameters<Client["callTool"]>[2] = {},
): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args }, undefined, options)) as CallToolResult;
}

/** The emulator's recorded chat requests. */
export function chatRequests(emu: RunningEmulator): RecordedRequest[] {
  return emu.requests.filter((r) => r.method === "POST" && r.path === "/v1/chat/completions");
}

/** Polls `condition` every 20 ms until it holds; fails after `ms`. */
export async function waitFor(condition: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
