/**
 * A minimal Server-Sent Events reader for API streams (docs/moonshot-wire.md, "Streams"): it turns
 * the bytes of a response into the `data` of each event, and measures the event being received so
 * that a server that never ends one cannot grow the buffer without limit.
 *
 * Why not a general SSE parser: a chat stream only needs `data`, and the stream's cost per chunk is
 * dominated by the work around `JSON.parse`. This reader decodes once per socket read, finds lines
 * with `indexOf` on the decoded string, and counts the pending event's bytes in the same pass
 * (a separate size guard scanned every piece again).
 *
 * What it follows of the SSE format (https://html.spec.whatwg.org/multipage/server-sent-events.html):
 * lines end with LF, CR or CRLF (a CRLF split across two reads is one line end); `data:` with or
 * without one space after the colon, and a bare `data` line (empty value); several data lines of
 * one event join with LF; a blank line ends the event, which is dispatched when it has at least
 * one data line; comments (`:` lines) and other fields (`event:`, `id:`, `retry:`) are skipped;
 * an event the body ends before its blank line is never dispatched (as eventsource-parser does).
 * A byte-order mark is dropped by the UTF-8 decoder.
 */

const CR = 13;
const LF = 10;
const SPACE = 32;

/** True when `text` has `data:` at `at`. */
function isDataField(text: string, at: number): boolean {
  return (
    text.charCodeAt(at) === 100 &&
    text.charCodeAt(at + 1) === 97 &&
    text.charCodeAt(at + 2) === 116 &&
    text.charCodeAt(at + 3) === 97 &&
    text.charCodeAt(at + 4) === 58
  );
}

/** Reads the `data` of server-sent events from the bytes of a response, one read at a time. */
export class SseDataParser {
  readonly #onData: (data: string) => void;
  readonly #decoder = new TextDecoder();
  /** Pieces of the unfinished last line (joined only when a line end arrives). */
  readonly #fragments: string[] = [];
  /** The data lines of the event being received, joined with LF. */
  #data = "";
  #dataLines = 0;
  /** The previous piece ended with CR: an LF starting the next one belongs to that line end. */
  #skipLf = false;
  /** Bytes of the event being received: everything after the last blank line. */
  #pendingBytes = 0;

  /** `onData` receives the `data` of each complete event, in order. */
  constructor(onData: (data: string) => void) {
    this.#onData = onData;
  }

  /**
   * Decodes one read of the body, dispatches the events it completes, and returns the size in
   * bytes of the event still unfinished after it (its unfinished line included).
   */
  feed(bytes: Uint8Array): number {
    return this.#feedText(this.#decoder.decode(bytes, { stream: true }));
  }

  /** Ends the body: an event without its closing blank line is dropped. */
  end(): void {
    this.#feedText(this.#decoder.decode());
    this.#fragments.length = 0;
    this.#data = "";
    this.#dataLines = 0;
    this.#skipLf = false;
    this.#pendingBytes = 0;
  }

  #feedText(piece: string): number {
    if (piece.length === 0) return this.#pendingBytes;
    let text = piece;
    let start = 0;
    if (this.#skipLf) {
      this.#skipLf = false;
      if (text.charCodeAt(0) === LF) start = 1;
    }
    if (this.#fragments.length > 0) {
      if (text.indexOf("\n", start) === -1 && text.indexOf("\r", start) === -1) {
        // Still inside one long line: keep the piece, join later (no quadratic concatenation).
        this.#fragments.push(start === 0 ? text : text.slice(start));
        this.#pendingBytes += Buffer.byteLength(text);
        return this.#pendingBytes;
      }
      this.#fragments.push(start === 0 ? text : text.slice(start));
      text = this.#fragments.join("");
      this.#fragments.length = 0;
      start = 0;
    }
    const eventEnd =
      text.indexOf("\r", start) === -1 ? this.#linesLf(text, start) : this.#linesAny(text, start);
    if (eventEnd === -1) {
      this.#pendingBytes += Buffer.byteLength(piece);
    } else {
      // Only the text after the last event end is pending: at most one event, so cheap to measure.
      this.#pendingBytes = eventEnd === text.length ? 0 : Buffer.byteLength(text.slice(eventEnd));
    }
    return this.#pendingBytes;
  }

  /** Lines of `text` from `start`, which holds no CR; returns the index after the last event end, or -1. */
  #linesLf(text: string, from: number): number {
    let start = from;
    let eventEnd = -1;
    let lf = text.indexOf("\n", start);
    while (lf !== -1) {
      if (lf === start) {
        this.#dispatch();
        eventEnd = lf + 1;
      } else if (
        this.#dataLines === 0 &&
        text.charCodeAt(lf + 1) === LF &&
        isDataField(text, start)
      ) {
        // The common case: an event of one data line and its blank line, dispatched at once.
        this.#onData(text.slice(text.charCodeAt(start + 5) === SPACE ? start + 6 : start + 5, lf));
        lf++;
        eventEnd = lf + 1;
      } else {
        this.#line(text, start, lf);
      }
      start = lf + 1;
      lf = text.indexOf("\n", start);
    }
    if (start < text.length) this.#fragments.push(text.slice(start));
    return eventEnd;
  }

  /** Lines of `text` from `start` with any of LF, CR, CRLF; returns the index after the last event end, or -1. */
  #linesAny(text: string, from: number): number {
    let start = from;
    let eventEnd = -1;
    const length = text.length;
    while (start < length) {
      let end = start;
      while (end < length) {
        const code = text.charCodeAt(end);
        if (code === LF || code === CR) break;
        end++;
      }
      if (end === length) break;
      let next = end + 1;
      if (text.charCodeAt(end) === CR) {
        if (next === length) this.#skipLf = true;
        else if (text.charCodeAt(next) === LF) next++;
      }
      if (end === start) {
        this.#dispatch();
        eventEnd = next;
      } else {
        this.#line(text, start, end);
      }
      start = next;
    }
    if (start < length) this.#fragments.push(text.slice(start));
    return eventEnd;
  }

  /** One non-blank line `text[start, end)`: only data lines matter here. */
  #line(text: string, start: number, end: number): void {
    let value: string;
    if (isDataField(text, start)) {
      value = text.slice(text.charCodeAt(start + 5) === SPACE ? start + 6 : start + 5, end);
    } else if (end - start === 4 && text.startsWith("data", start)) {
      value = "";
    } else {
      // A comment (`:`), another field (`event`, `id`, `retry`) or an unknown one: not used.
      return;
    }
    this.#data = this.#dataLines === 0 ? value : `${this.#data}\n${value}`;
    this.#dataLines++;
  }

  #dispatch(): void {
    if (this.#dataLines === 0) return;
    const data = this.#data;
    this.#data = "";
    this.#dataLines = 0;
    this.#onData(data);
  }
}
