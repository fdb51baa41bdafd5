/**
 * Writing to clients that may not read: every write respects `res.write()` returning false (the
 * socket's buffer is full) by waiting for `'drain'`, and a client that reads nothing for
 * `stalledWriteMs` gets its socket closed. So a reply never sits in memory twice (once as text,
 * once in the socket's buffer), and a client that stops reading holds at most what fits in the
 * buffers, not the whole reply (docs/emulator.md "Resource limits").
 */
import type { ServerResponse } from "node:http";
import type { RequestContext } from "./http-response.ts";

/** Size of the pieces a large body is written in: one piece per wait for `'drain'`. */
export const WRITE_SLICE_BYTES = 64 * 1024;

/**
 * Resolves `true` once the socket's buffer has drained, `false` when the response closed first
 * or the client read nothing for `stalledWriteMs` (the socket is then destroyed).
 */
export function waitForDrain(res: ServerResponse, stalledWriteMs: number): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const finish = (drained: boolean) => {
      clearTimeout(timer);
      res.off("drain", onDrain);
      res.off("close", onClose);
      resolve(drained);
    };
    const onDrain = () => finish(true);
    const onClose = () => finish(false);
    const timer = setTimeout(() => {
      finish(false);
      res.destroy();
    }, stalledWriteMs);
    res.on("drain", onDrain);
    res.on("close", onClose);
  });
}

/**
 * Writes one piece of the body and counts it in the request's record; waits for `'drain'` when
 * the buffer is full. Resolves `false` when the client is gone (stop writing).
 */
export async function writeWithBackpressure(
  ctx: RequestContext,
  data: string | Buffer,
  stalledWriteMs: number,
): Promise<boolean> {
  const { res } = ctx;
  if (res.destroyed) return false;
  ctx.record.bytesSent += typeof data === "string" ? Buffer.byteLength(data) : data.length;
  if (res.write(data)) return true;
  return waitForDrain(res, stalledWriteMs);
}

/**
 * Writes `body` in {@link WRITE_SLICE_BYTES} pieces with back-pressure, then ends the response
 * (a small body goes out in one `end()`, the hot path).
 */
export async function endWithBackpressure(
  ctx: RequestContext,
  body: string,
  stalledWriteMs: number,
): Promise<void> {
  const { res } = ctx;
  if (res.destroyed) return;
  if (body.length <= WRITE_SLICE_BYTES) {
    ctx.record.bytesSent += Buffer.byteLength(body);
    res.end(body);
    return;
  }
  // Sliced as bytes, so no character is split between two writes.
  const bytes = Buffer.from(body);
  for (let at = 0; at < bytes.length; at += WRITE_SLICE_BYTES) {
    const slice = bytes.subarray(at, at + WRITE_SLICE_BYTES);
    if (!(await writeWithBackpressure(ctx, slice, stalledWriteMs))) return;
  }
  res.end();
}
