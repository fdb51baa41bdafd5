/**
 * Shared pieces of the gateway tests: a PostgreSQL server (PGlite behind pglite-socket, which
 * speaks the Postgres wire protocol, so nothing has to be installed), gateway processes started
 * from the built CLI, and raw HTTP calls.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { CLI, ensureBuilt } from "../cli/run-cli.ts";

/** A Postgres server for gateways to share. */
export interface SharedPostgres {
  /** `postgres://...` to give as KIMI_GATEWAY_DATABASE_URL. */
  url: string;
  /** The database itself, for assertions. */
  db: PGlite;
  close(): Promise<void>;
}

/** Starts an in-memory PGlite served on a loopback port. */
export async function startSharedPostgres(): Promise<SharedPostgres> {
  const db = await PGlite.create();
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 64 });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    db,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}

/** A temporary directory, removed by `cleanup`. */
export function tempDir(): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), "kimi-gateway-test-"));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** A gateway running as a child process of the built CLI. */
export interface GatewayProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:PORT/v1`. */
  baseURL: string;
  /** Everything printed so far. */
  output: () => { stdout: string; stderr: string };
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
  /** Resolves with the exit code when it exits. */
  exited: Promise<number | null>;
}

/** Starts `kimi-provider gateway --port 0 ...args` and waits for its startup line. */
export function spawnGateway(
  env: Record<string, string>,
  args: readonly string[] = [],
): Promise<GatewayProcess> {
  ensureBuilt();
  const child = spawn(process.execPath, [CLI, "gateway", "--port", "0", ...args], {
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8");
  child.stderr?.setEncoding("utf8");
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: string) => {
      stdout += chunk;
      const match = /listening on (http:\/\/\S+\/v1)\n/.exec(stdout);
      if (match?.[1]) {
        resolve({
          child,
          baseURL: match[1],
          output: () => ({ stdout, stderr }),
          exited,
          async stop() {
            if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
            await exited;
          },
        });
      }
    });
    child.stderr?.on("data", (chunk: string) => {
      stderr += chunk;
    });
    void exited.then((code) =>
      reject(new Error(`gateway exited with ${code} before listening:\n${stdout}\n${stderr}`)),
    );
  });
}

/** Answer of {@link post}. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary wire JSON.
  json: any;
}

/** POSTs JSON (or a raw string body) to `baseURL + path`. */
export async function post(
  baseURL: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${baseURL}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The `data:` payloads of an SSE body, in order. */
export function sseData(text: string): string[] {
  return text
    .split("\n\n")
    .filter((event) => event.startsWith("data: "))
    .map((event) => event.slice("data: ".length));
}
