/**
 * The size limit on response bodies. A server (or anything between) may send a body of any size;
 * reading it whole would let it exhaust the process's memory (a V8 string tops out at 512 MiB, and
 * the bytes are held twice while decoding). Bodies are counted as they arrive and the connection
 * is dropped at the limit; a `Content-Length` above the limit is refused before reading at all.
 */
import type { HeaderReader } from "./raw-response.ts";

/** Thrown by the body readers when a body crosses its limit; the transport turns it into a typed error. */
export class BodyLimitExceeded extends Error {
  /** Bytes received (or declared by `Content-Length`) when the limit was crossed. */
  readonly bytes: number;
  constructor(bytes: number) {
    super(`The response body exceeded its size limit (${bytes} bytes received or declared).`);
    this.name = "BodyLimitExceeded";
    this.bytes = bytes;
  }
}

/** The declared `Content-Length` when it is above `maxBytes`, else `undefined`. */
export function declaredLengthOver(headers: HeaderReader, maxBytes: number): number | undefined {
  const declared = Number(headers.get("content-length"));
  return Number.isFinite(declared) && declared > maxBytes ? declared : undefined;
}

/**
 * Reads a WHATWG body stream as UTF-8 text, at most `maxBytes` bytes; past that the stream is
 * cancelled and the read rejects with {@link BodyLimitExceeded}.
 */
export async function readLimitedStream(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<string> {
  if (body === null) return "";
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyLimitExceeded(total);
    }
    parts.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(parts));
}
