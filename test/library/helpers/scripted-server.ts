/**
 * A tiny loopback HTTP server that answers with exact, scripted bytes: for wire cases the
 * emulator does not produce (usage placements, error data events, cut sockets, odd headers).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** One scripted answer. */
export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Whole body, written at once. */
  body?: string;
  /** Body pieces, each written (and flushed) separately. */
  chunks?: readonly (string | Uint8Array)[];
  /** Destroy the socket after the chunks instead of ending the response. */
  cut?: boolean;
  /** Send headers (and chunks) then never finish: for timeouts and aborts. */
  hang?: boolean;
  /** Never answer at all (not even headers). */
  silent?: boolean;
}

/** A request the server received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  /** Parsed JSON body, or the raw text when not JSON. */
  body: unknown;
}

/** A running scripted server. */
export interface ScriptedServer {
  baseURL: string;
  requests: ReceivedRequest[];
  /** Resolves when the client closed the connection of request number `n` (0-based). */
  closed(n: number): Promise<void>;
  close(): Promise<void>;
}

type Script =
  | readonly ScriptedResponse[]
  | ((request: ReceivedRequest, n: number) => ScriptedResponse);

/** Starts a server answering request `n` with `script[n]` (the last entry repeats). */
export async function startScriptedServer(script: Script): Promise<ScriptedServer> {
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const closedPromises: Promise<void>[] = [];
  const closedResolvers: (() => void)[] = [];
  const closedAt = (n: number) => {
    while (closedPromises.length <= n) {
      closedPromises.push(new Promise<void>((resolve) => closedResolvers.push(resolve)));
    }
    return closedPromises[n] as Promise<void>;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => {
      const text = Buffer.concat(parts).toString("utf8");
      let body: unknown = text;
      try {
        body = text === "" ? undefined : JSON.parse(text);
      } catch {
        // keep raw text
      }
      const received: ReceivedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body,
      };
      const n = requests.length;
      requests.push(received);
      closedAt(n);
      res.on("close", () => closedResolvers[n]?.());
      const answer =
        typeof script === "function"
          ? script(received, n)
          : (script[Math.min(n, script.length - 1)] as ScriptedResponse);
      if (answer.silent) return;
      res.writeHead(answer.status ?? 200, {
        "content-type": answer.chunks ? "text/event-stream" : "application/json",
        ...answer.headers,
      });
      res.flushHeaders();
      if (answer.body !== undefined) res.write(answer.body);
      for (const chunk of answer.chunks ?? []) res.write(chunk);
      if (answer.hang) return;
      if (answer.cut) {
        // Let the written bytes leave before the socket is destroyed.
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      res.end();
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    closed: closedAt,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** One SSE data event. */
export function sse(data: unknown): string {
  return `data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
}

/** A chat.completion.chunk with the given choices (and extra top-level fields). */
export function chunk(choices: unknown[], extra: Record<string, unknown> = {}): string {
  return sse({
    id: "chatcmpl-6911668985355ab7ab43bc2b",
    object: "chat.completion.chunk",
    created: 1762748041,
    model: "kimi-k2-0905-preview",
    choices,
    ...extra,
  });
}

/** Moonshot's error envelope. */
export function errorBody(type: string, message: string): string {
  return JSON.stringify({ error: { type, message } });
}
