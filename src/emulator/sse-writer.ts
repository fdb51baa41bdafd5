/**
 * Writes an SSE response (`data: <json>\n\n` … `data: [DONE]\n\n`, docs/moonshot-wire.md
 * "Streams"). With no delay and no fault a short stream goes out in one write (the hot path for
 * benchmarks) and a long one in pieces of about 64 KiB, each waiting for the client to read
 * (back-pressure, see `backpressure.ts`); otherwise chunk by chunk, with the inter-chunk delay, a
 * socket cut after K chunks (no [DONE]) or a malformed `data:` line after K chunks.
 */
import { WRITE_SLICE_BYTES, writeWithBackpressure } from "./backpressure.ts";
import type { FaultKind } from "./faults.ts";
import { baseHeaders, type RequestContext } from "./http-response.ts";

/** The SSE terminator. */
export const DONE_EVENT = "data: [DONE]\n\n";

/** A broken event: unterminated JSON, as a proxy that mangles a frame would produce. */
export const MALFORMED_EVENT =
  'data: {"id":"chatcmpl-malformed","choices":[{"delta":{"content":\n\n';

/** Streams `events` (each already framed as `data: …\n\n`). */
export async function writeSse(
  ctx: RequestContext,
  events: readonly string[],
  delayMs: number,
  sleep: (ms: number) => Promise<void>,
  extraHeaders: Readonly<Record<string, string>> = {},
): Promise<void> {
  const { res } = ctx;
  if (res.destroyed) return;
  const fault: FaultKind | undefined = ctx.fault;
  ctx.record.status = 200;
  res.writeHead(200, {
    ...baseHeaders("text/event-stream; charset=utf-8"),
    "cache-control": "no-cache",
    ...extraHeaders,
  });
  const delay = fault?.kind === "slow-stream" ? fault.ms : delayMs;
  // K past the end means "at the terminator": the cut still withholds [DONE] (after the
  // chunks reached the client) and the malformed line still goes out.
  const last = events.length - 1;
  const cutAfter = fault?.kind === "cut" ? Math.min(fault.afterChunks, last) : -1;
  const malformedAfter = fault?.kind === "malformed" ? Math.min(fault.afterChunks, last) : -1;
  const stalled = ctx.stalledWriteMs;
  if (delay <= 0 && cutAfter < 0 && malformedAfter < 0) {
    let batch = "";
    for (const event of events) {
      batch += event;
      if (batch.length < WRITE_SLICE_BYTES) continue;
      if (!(await writeWithBackpressure(ctx, batch, stalled))) return;
      batch = "";
    }
    ctx.record.bytesSent += Buffer.byteLength(batch);
    res.end(batch);
    return;
  }
  for (let i = 0; i < events.length; i++) {
    if (i === cutAfter) {
      // Make sure what was written reaches the client before the reset.
      await new Promise<void>((resolve) => res.write("", () => resolve()));
      res.socket?.destroy();
      return;
    }
    if (i === malformedAfter && !(await writeWithBackpressure(ctx, MALFORMED_EVENT, stalled)))
      return;
    if (i > 0 && delay > 0) {
      await sleep(delay);
      if (res.destroyed) return;
    }
    if (!(await writeWithBackpressure(ctx, events[i] as string, stalled))) return;
  }
  res.end();
}
