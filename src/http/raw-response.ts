import { readLimitedStream } from "./body-limit.ts";

/**
 * The response shape the transport hands to the rest of the library, whichever way it was fetched
 * (Node's `http`/`https` modules by default, or a user-supplied `fetch`).
 */

/** Read access to response headers (case-insensitive names). */
export interface HeaderReader {
  get(name: string): string | null;
}

/** A response whose status and headers have arrived; its body is read once, one way. */
export interface RawResponse {
  status: number;
  headers: HeaderReader;
  /**
   * The whole body as UTF-8 text; rejects with `BodyLimitExceeded` (and drops the connection) as
   * soon as more than `maxBytes` bytes arrived.
   */
  text(maxBytes: number): Promise<string>;
  /** The body as it arrives, for streams. */
  body: AsyncIterable<Uint8Array>;
}

/**
 * Moonshot's id of a response (`Msh-Request-Id`, else the trace id: `X-Msh-Trace-Id` in 2026,
 * `x-trace-id` earlier, else a proxy's `x-request-id`), to quote to its support
 * (docs/moonshot-wire.md, "Headers").
 */
export function responseRequestId(headers: HeaderReader): string | undefined {
  return (
    headers.get("msh-request-id") ??
    headers.get("x-msh-trace-id") ??
    headers.get("x-trace-id") ??
    headers.get("x-request-id") ??
    undefined
  );
}

/** Wraps a WHATWG `Response` from a custom `fetch`. */
export function fromFetchResponse(response: Response): RawResponse {
  return {
    status: response.status,
    headers: response.headers,
    text: (maxBytes) => readLimitedStream(response.body, maxBytes),
    body: response.body ?? emptyBody(),
  };
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}
