/**
 * Bounds the size of one server-sent event. The SSE parser buffers an unfinished line, and the
 * data lines of an unfinished event, until a blank line ends the event: a server that never sends
 * one (one endless `data:` line, or endless data lines) would grow that buffer without limit.
 * This guard measures, as text is fed, how many bytes have arrived since the last blank line.
 */

/** Line ends that close an event: LF LF, CR CR, and CRLF CRLF (found through its `\n\r\n`). */
const EVENT_ENDS = ["\n\n", "\r\r", "\n\r\n"] as const;

/** Tracks the size of the event being received; feed it every decoded piece of the stream. */
export class SseEventGuard {
  /** Bytes of the event being received (everything after the last blank line). */
  #pending = 0;
  /** The last characters fed, so that an event end split across two pieces is still found. */
  #tail = "";

  /** Adds `text` and returns the size in bytes of the unfinished event after it. */
  feed(text: string): number {
    const joined = this.#tail + text;
    let end = -1;
    for (const marker of EVENT_ENDS) {
      const at = joined.lastIndexOf(marker);
      if (at !== -1 && at + marker.length > end) end = at + marker.length;
    }
    if (end === -1) {
      this.#pending += Buffer.byteLength(text);
    } else {
      // Only the text after the last event end is pending: at most one piece, so cheap to measure.
      this.#pending = Buffer.byteLength(joined.slice(end));
    }
    this.#tail = joined.slice(-2);
    return this.#pending;
  }
}
