/**
 * Reads the commonest stream event without `JSON.parse`. Nearly every event of a chat stream is a
 * plain text delta whose bytes differ from the stream's first chunk only in one string
 * (docs/moonshot-wire.md, "Streams"):
 *
 * `{"id":"…","object":"chat.completion.chunk","created":…,"model":"…","choices":[{"index":0,"delta":{"content":"…"},"finish_reason":null}]}`
 *
 * (or `"reasoning_content"` in place of `"content"`). Parsing builds five objects to extract that
 * one string, and is most of a stream's CPU per event. Once the first chunk has been parsed, its
 * head (everything before the delta's key) is known; an event that starts with exactly that head,
 * has one of the two keys, and ends with exactly the documented tail holds one JSON string, and
 * reading it gives the very value `JSON.parse` would. Anything else (another field, another order,
 * a finish reason, usage, tool calls, whitespace, escapes in the head) is left to `JSON.parse`:
 * this is a shortcut for identical bytes, never a second parser.
 */

/** The delta's key with the opening quote of its value, after the head. */
const CONTENT_KEY = '"content":"';
const REASONING_KEY = '"reasoning_content":"';
/** From the value's closing quote to the end of the event. */
const TAIL = '"},"finish_reason":null}]}';
/** A JSON string holds its text verbatim unless it has a quote, a backslash or a control character. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON escapes every control character (RFC 8259, section 7), so finding one is the point.
const NOT_VERBATIM = /["\\\u0000-\u001f]/;

/** What a stream's first chunk must be for its head to be known byte for byte. */
interface FirstChunk {
  id?: unknown;
  object?: unknown;
  created?: unknown;
  model?: unknown;
}

const HEAD_KEYS = "id,object,created,model,choices";

/** Reads plain delta events of one stream (see the file comment). */
export class PlainDeltaReader {
  /** The delta text of the last event {@link read} accepted. */
  text = "";
  /** Whether that text is reasoning (`reasoning_content`) rather than answer (`content`). */
  reasoning = false;
  readonly #head: string;
  readonly #shortest: number;

  private constructor(head: string) {
    this.#head = head;
    this.#shortest = head.length + CONTENT_KEY.length + TAIL.length;
  }

  /**
   * A reader for the stream whose first chunk (with an id) parsed as `chunk`, or `undefined` when
   * that chunk's fields are not exactly id, object, created, model and choices in this order
   * (then every event is parsed).
   */
  static learn(chunk: FirstChunk): PlainDeltaReader | undefined {
    const { id, object, created, model } = chunk;
    if (
      typeof id !== "string" ||
      typeof object !== "string" ||
      typeof model !== "string" ||
      !Number.isSafeInteger(created) ||
      Object.keys(chunk).join(",") !== HEAD_KEYS
    ) {
      return undefined;
    }
    // The head as a compact JSON writer prints it; a service that prints it otherwise (spaces,
    // other escapes) never matches, and its events are parsed.
    return new PlainDeltaReader(
      `{"id":${JSON.stringify(id)},"object":${JSON.stringify(object)},"created":${String(created)},"model":${JSON.stringify(model)},"choices":[{"index":0,"delta":{`,
    );
  }

  /**
   * True when `data` is a plain delta of this stream; its text is then on {@link text} and its
   * kind on {@link reasoning}. False means nothing: parse the event.
   */
  read(data: string): boolean {
    // Compared as slices: `startsWith` on a string sliced from a larger one (as every event is,
    // out of a socket read) walks it character by character, `===` compares memory.
    const head = this.#head;
    const length = data.length;
    if (
      length < this.#shortest ||
      data.slice(0, head.length) !== head ||
      data.slice(length - TAIL.length) !== TAIL
    ) {
      return false;
    }
    let start = head.length;
    if (data.startsWith(CONTENT_KEY, start)) {
      this.reasoning = false;
      start += CONTENT_KEY.length;
    } else if (data.startsWith(REASONING_KEY, start)) {
      this.reasoning = true;
      start += REASONING_KEY.length;
    } else {
      return false;
    }
    // `end` is the value's closing quote (the first character of the tail).
    const end = length - TAIL.length;
    if (end < start) return false;
    const raw = data.slice(start, end);
    if (!NOT_VERBATIM.test(raw)) {
      this.text = raw;
      return true;
    }
    // Escapes (a newline, a quote): the value's literal alone, quotes included, must be one JSON
    // string. If it is not (an unescaped quote means other fields follow), the event is parsed.
    try {
      const value: unknown = JSON.parse(data.slice(start - 1, end + 1));
      if (typeof value !== "string") return false;
      this.text = value;
      return true;
    } catch {
      return false;
    }
  }
}
