/**
 * Observability: every request is recorded (method, path, redacted headers, parsed body, status)
 * for tests to read as `emulator.requests`, and optionally logged as one line on stderr.
 */

/** One request as the emulator received it. */
export interface RecordedRequest {
  /** HTTP method. */
  method: string;
  /** Path without the query string. */
  path: string;
  /** Lower-cased headers; `authorization` is redacted to `Bearer [redacted]`. */
  headers: Record<string, string>;
  /** Parsed JSON body; for uploads `{purpose, filename, bytes}`; `undefined` without a body. */
  body: unknown;
  /** Response status, set when the response is sent (0 until then, or if the socket was cut first). */
  status: number;
  /** `Date.now()` when the request arrived. */
  startedAt: number;
  /**
   * Response body bytes handed to the socket so far. Replies are written with back-pressure, so
   * for a client that stops reading this stays at what fits in the buffers, not the whole reply.
   */
  bytesSent: number;
  /**
   * `"pending"` while the response is being written, `"complete"` once all of it was handed to
   * the socket, `"aborted"` when the socket closed first (a cut fault, a client that went away or
   * stopped reading, `close()`).
   */
  outcome: "pending" | "complete" | "aborted";
}

/** Keeps the last `capacity` requests. */
export class RequestRecorder {
  readonly #capacity: number;
  readonly entries: RecordedRequest[] = [];

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  /** Records a request and returns its (mutable) record. */
  record(method: string, path: string, rawHeaders: Record<string, unknown>): RecordedRequest {
    const headers: Record<string, string> = {};
    for (const key in rawHeaders) {
      const value = rawHeaders[key];
      if (value === undefined) continue;
      headers[key] = Array.isArray(value) ? value.join(", ") : String(value);
    }
    // Never keep secrets in a dump (conventions: "redact Authorization in any dump").
    if (headers.authorization !== undefined) {
      headers.authorization = headers.authorization.startsWith("Bearer ")
        ? "Bearer [redacted]"
        : "[redacted]";
    }
    const entry: RecordedRequest = {
      method,
      path,
      headers,
      body: undefined,
      status: 0,
      startedAt: Date.now(),
      bytesSent: 0,
      outcome: "pending",
    };
    this.entries.push(entry);
    if (this.entries.length > this.#capacity) this.entries.shift();
    return entry;
  }

  /** Empties the record. */
  clear(): void {
    this.entries.length = 0;
  }
}

/** Where log lines go: stderr, a custom sink, or nowhere. */
export type LogSink = ((line: string) => void) | undefined;

/** Resolves the `log` option to a sink. */
export function resolveLogSink(log: boolean | ((line: string) => void) | undefined): LogSink {
  if (typeof log === "function") return log;
  if (log === true) return (line) => process.stderr.write(`${line}\n`);
  return undefined;
}

/** One line per request: `POST /v1/chat/completions 200 3ms kimi-k2.6 stream`. */
export function formatLogLine(entry: RecordedRequest, extra: string): string {
  const ms = Date.now() - entry.startedAt;
  return `[kimi-emulator] ${entry.method} ${entry.path} ${entry.status} ${ms}ms${extra ? ` ${extra}` : ""}`;
}
