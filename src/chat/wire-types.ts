/**
 * What the service sends for a chat completion, as received: the non-streamed
 * `chat.completion` body and the streamed `chat.completion.chunk` events (docs/moonshot-wire.md,
 * "Streams"). Every field is optional and untrusted: readers check each one before use.
 */

/** A tool call as it appears in a non-streamed message, before it is checked. */
export interface WireToolCall {
  id?: unknown;
  type?: unknown;
  function?: { name?: unknown; arguments?: unknown };
}

/** One choice of a non-streamed `chat.completion` body. */
export interface WireChoice {
  index?: unknown;
  message?: { content?: unknown; reasoning_content?: unknown; tool_calls?: unknown };
  finish_reason?: unknown;
  /** Some models put usage on the choice instead of the top level. */
  usage?: unknown;
}

/** A non-streamed `chat.completion` body. */
export interface WireCompletion {
  id?: unknown;
  model?: unknown;
  created?: unknown;
  choices?: unknown;
  usage?: unknown;
}

/** One fragment of a tool call in a stream delta; fragments are joined by `index`. */
export interface WireToolCallDelta {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

/** One choice of a `chat.completion.chunk`. */
export interface WireChunkChoice {
  index?: number;
  delta?: {
    content?: string | null;
    reasoning_content?: string | null;
    tool_calls?: WireToolCallDelta[];
  };
  finish_reason?: string | null;
  /** Some models put usage on the choice of the last chunk. */
  usage?: unknown;
}

/** One `data:` event of a stream (other than `[DONE]`), or an `{"error":{...}}` event. */
export interface WireChunk {
  id?: string;
  model?: string;
  created?: number;
  choices?: WireChunkChoice[];
  usage?: unknown;
  error?: unknown;
}
