/**
 * Replays recorded Moonshot traffic (`test/fixtures/captures/`) over loopback: each request is
 * answered with one capture's status, its recorded headers (from the `<file>.source` line next to
 * it) and the capture's exact bytes. The requests received are kept for assertions.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Where the captures live. */
export const CAPTURES_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../fixtures/captures",
);

/** One capture: what the service sent, and where the recording came from. */
export interface Capture {
  file: string;
  status: number;
  /** Recorded (or assumed) response headers, in recorded order. */
  headers: [string, string][];
  source: string;
  trust: string;
  /** The body, byte for byte. */
  bytes: Buffer;
}

/** Reads `file` and its `.source` line from the captures directory. */
export function loadCapture(file: string): Capture {
  const meta = readFileSync(join(CAPTURES_DIR, `${file}.source`), "utf8");
  let status = 0;
  let source = "";
  let trust = "";
  const headers: [string, string][] = [];
  for (const line of meta.split("\n")) {
    const colon = line.indexOf(": ");
    if (colon === -1) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 2);
    if (key === "status") status = Number(value);
    else if (key === "source") source = value;
    else if (key === "trust") trust = value;
    else if (key === "header") {
      const split = value.indexOf(": ");
      headers.push([value.slice(0, split), value.slice(split + 2)]);
    }
  }
  return { file, status, headers, source, trust, bytes: readFileSync(join(CAPTURES_DIR, file)) };
}

/** A request the replay server received. */
export interface ReplayedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  /** The body as text (JSON or multipart). */
  body: string;
}

/** A running replay server. */
export interface ReplayServer {
  /** `http://127.0.0.1:<port>/v1`. */
  baseURL: string;
  requests: ReplayedRequest[];
  close(): Promise<void>;
}

/**
 * Headers that describe a transformation the capture no longer has (the recording notes say the
 * gzip encoding was removed): sending them would make the client decode plain bytes.
 */
function replayable(name: string, value: string): boolean {
  return !(name.toLowerCase() === "content-encoding" && value.includes("removed"));
}

/**
 * Starts a server answering every request with `captures[n]` (the last one repeats), each
 * loaded with {@link loadCapture}.
 */
export async function startReplayServer(files: readonly string[]): Promise<ReplayServer> {
  const captures = files.map(loadCapture);
  const requests: ReplayedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => {
      const n = requests.length;
      requests.push({
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(parts).toString("utf8"),
      });
      const capture = captures[Math.min(n, captures.length - 1)] as Capture;
      const headers: [string, string][] = capture.headers.filter(([name, value]) =>
        replayable(name, value),
      );
      res.writeHead(capture.status, headers.flat());
      res.end(capture.bytes);
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}
