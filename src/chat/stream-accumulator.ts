/**
 * The pure half of a chat stream: `data:` payloads in, typed {@link StreamEvent}s and the
 * received completion out. It accumulates choices, tool-call fragments (by `index`), usage in
 * every placement and finish reasons, and spots `[DONE]`, malformed events, `{"error":{...}}`
 * events and text over the size limit. No I/O: `ChatStream` feeds it what the socket delivered.
 *
 * Hot path: one event object per delta and string concatenation (V8 ropes) for accumulation, no
 * schema validation, and for most events not even a `JSON.parse` (see {@link PlainDeltaReader}).
 */
import { parseUsage, type Usage } from "../cost/usage.ts";
import { MalformedResponseError, ResponseTooLargeError } from "../errors/error-classes.ts";
import { errorFromStreamEvent } from "../errors/error-mapping.ts";
import type { KimiError } from "../errors/kimi-error.ts";
import { redactText } from "../errors/redact.ts";
import {
  MAX_CHOICE_INDEX,
  MAX_TOOL_CALL_INDEX,
  type ReceivedChoice,
  type ReceivedCompletion,
  wireIndex,
} from "./chat-result.ts";
import { PlainDeltaReader } from "./plain-delta-reader.ts";
import type { StreamEvent, ToolCall } from "./types.ts";
import type { WireChunk, WireChunkChoice, WireToolCallDelta } from "./wire-types.ts";

interface ToolCallState {
  id: string;
  type: string;
  name: string;
  arguments: string;
}

interface ChoiceState {
  index: number;
  content: string;
  reasoning: string | null;
  /** Keyed by the wire `index`: a Map, so no index can reach a prototype. */
  tools: Map<number, ToolCallState>;
  finishReason: string | null;
  usage: Usage | undefined;
}

/** What the accumulator needs to know about the response it reads. */
export interface StreamAccumulatorContext {
  /** Most text (content, reasoning, tool arguments, in characters) held before giving up. */
  maxTextLength: number;
  /** Secrets to strip from anything quoted in an error. */
  secrets: readonly (string | undefined)[];
  /** The model requested, to name it in a mapped error event. */
  model: string | undefined;
  /** The response's request id, for the errors built here. */
  requestId: string | undefined;
  /** The response's `Retry-After` header, for a mapped error event. */
  retryAfter: string | null;
}

function newChoice(index: number): ChoiceState {
  return {
    index,
    content: "",
    reasoning: null,
    tools: new Map(),
    finishReason: null,
    usage: undefined,
  };
}

/** The tool calls of a choice in `index` order. */
function orderedTools(state: ChoiceState): ToolCallState[] {
  return [...state.tools.entries()].sort((a, b) => a[0] - b[0]).map((entry) => entry[1]);
}

function toToolCall(state: ToolCallState): ToolCall {
  return {
    id: state.id,
    type: state.type,
    function: { name: state.name, arguments: state.arguments },
  };
}

/** A stream event that is not the documented shape. */
function streamMalformed(detail: string): MalformedResponseError {
  return new MalformedResponseError(
    `The stream sent an event that is not the documented shape: ${detail}. The response is unusable; check that KIMI_BASE_URL points at the Moonshot API, or retry.`,
  );
}

/** Accumulates one chat stream from its `data:` payloads. */
export class StreamAccumulator {
  /** Events produced since the last {@link takeEvents}, in order (choice 0 only). */
  readonly pending: StreamEvent[] = [];
  /** True once `data: [DONE]` arrived: only that completes a stream. */
  done = false;
  /** The first failure: a malformed event, an error event, or text over the limit. */
  failure: KimiError | undefined;

  readonly #context: StreamAccumulatorContext;
  // Keyed by the wire `index`, validated first (see wireIndex): a Map, so that neither a huge
  // index (a sparse array billions long) nor "__proto__" can do harm.
  readonly #choices = new Map<number, ChoiceState>([[0, newChoice(0)]]);
  #heldLength = 0;
  #id = "";
  #model = "";
  #created = 0;
  #topUsage: Usage | undefined;
  /** Reads the stream's plain text deltas without `JSON.parse`, once its first chunk is known. */
  #plain: PlainDeltaReader | undefined;

  constructor(context: StreamAccumulatorContext) {
    this.#context = context;
  }

  /** The answer text of choice 0 so far (without a partial-mode prefix). */
  get text(): string {
    return this.#choices.get(0)?.content ?? "";
  }

  /** Feeds one SSE `data:` payload; ignored once the stream is done or failed. */
  add(data: string): void {
    if (this.done || this.failure) return;
    if (data === "[DONE]") {
      this.done = true;
      return;
    }
    const plain = this.#plain;
    if (plain?.read(data)) {
      this.#addPlainDelta(plain.text, plain.reasoning);
      return;
    }
    let chunk: WireChunk;
    try {
      chunk = JSON.parse(data) as WireChunk;
    } catch (cause) {
      this.failure = new MalformedResponseError(
        `The stream sent a data line that is not JSON: ${redactText(JSON.stringify(data.slice(0, 120)), this.#context.secrets)}. The response is unusable; retry the request.`,
        { cause },
      );
      return;
    }
    if (chunk === null || typeof chunk !== "object") {
      this.failure = streamMalformed(`a data event is ${JSON.stringify(chunk)}, not an object`);
      return;
    }
    if (chunk.error !== undefined && chunk.error !== null) {
      const { requestId, retryAfter, secrets, model } = this.#context;
      this.failure = errorFromStreamEvent(data, { requestId, retryAfter, secrets, model });
      return;
    }
    if (chunk.id !== undefined && this.#id === "") {
      this.#id = chunk.id;
      this.#model = chunk.model ?? "";
      this.#created = chunk.created ?? 0;
      this.#plain = PlainDeltaReader.learn(chunk);
    }
    if (chunk.usage) this.#topUsage = parseUsage(chunk.usage) ?? this.#topUsage;
    const list = chunk.choices;
    if (list === undefined || list === null) return;
    if (!Array.isArray(list)) {
      this.failure = streamMalformed("`choices` is not an array");
      return;
    }
    for (let c = 0; c < list.length; c++) {
      const problem = this.#addChoice(list[c] as WireChunkChoice);
      if (problem !== undefined) {
        this.failure = streamMalformed(problem);
        return;
      }
    }
    this.#checkHeldLength();
  }

  /**
   * What `add` does for a chunk that is exactly `{...the stream's head, "choices":[{"index":0,
   * "delta":{"content"|"reasoning_content": text},"finish_reason":null}]}`: the same state and
   * events as parsing it would give.
   */
  #addPlainDelta(text: string, reasoning: boolean): void {
    const state = this.#choices.get(0) as ChoiceState;
    if (reasoning) this.#addReasoning(state, text, true);
    else this.#addContent(state, text, true);
    this.#checkHeldLength();
  }

  /** A `reasoning_content` delta (an empty one still marks the choice as reasoning). */
  #addReasoning(state: ChoiceState, text: string, emit: boolean): void {
    this.#heldLength += text.length;
    state.reasoning = state.reasoning === null ? text : state.reasoning + text;
    if (emit && text !== "") this.pending.push({ type: "reasoning-delta", text });
  }

  /** A `content` delta; an empty one changes nothing. */
  #addContent(state: ChoiceState, text: string, emit: boolean): void {
    if (text === "") return;
    this.#heldLength += text.length;
    state.content += text;
    if (emit) this.pending.push({ type: "text-delta", text });
  }

  #checkHeldLength(): void {
    if (this.#heldLength > this.#context.maxTextLength) {
      const limit = this.#context.maxTextLength;
      this.failure = new ResponseTooLargeError(
        `The stream's answer grew past the ${limit}-character limit (maxResponseBytes), so the request was stopped. Raise \`maxResponseBytes\` (KIMI_MAX_RESPONSE_BYTES) if answers are genuinely this long; otherwise check KIMI_BASE_URL points at the Moonshot API.`,
        {
          limitBytes: limit,
          setting: "maxResponseBytes",
          status: 200,
          requestId: this.#context.requestId,
        },
      );
    }
  }

  /** Returns the pending events and forgets them. */
  takeEvents(): StreamEvent[] {
    return this.pending.splice(0, this.pending.length);
  }

  /** What was received, for `buildChatResult` (a choice without a finish reason says `stop`). */
  completion(requestId: string | undefined): ReceivedCompletion {
    const choices: ReceivedChoice[] = [];
    for (const state of this.#choices.values()) {
      choices.push({
        index: state.index,
        content: state.content,
        reasoningContent: state.reasoning,
        toolCalls: orderedTools(state).map(toToolCall),
        finishReason: state.finishReason ?? "stop",
        usage: state.usage,
      });
    }
    return {
      id: this.#id,
      model: this.#model,
      created: this.#created,
      choices,
      usage: this.#topUsage,
      requestId,
    };
  }

  /** Adds one choice of a chunk; returns what is malformed about it, if anything. */
  #addChoice(entry: WireChunkChoice): string | undefined {
    if (entry === null || typeof entry !== "object") return "a choice is not an object";
    const index = wireIndex(entry.index, 0, MAX_CHOICE_INDEX, "choice");
    if (typeof index === "string") return index;
    let state = this.#choices.get(index);
    if (!state) {
      state = newChoice(index);
      this.#choices.set(index, state);
    }
    const emit = index === 0;
    const pending = this.pending;
    const delta = entry.delta;
    if (delta) {
      const reasoning = delta.reasoning_content;
      if (typeof reasoning === "string") this.#addReasoning(state, reasoning, emit);
      const content = delta.content;
      if (typeof content === "string") this.#addContent(state, content, emit);
      const calls = delta.tool_calls;
      if (calls !== undefined && calls !== null) {
        if (!Array.isArray(calls)) return "`tool_calls` is not an array";
        for (let t = 0; t < calls.length; t++) {
          const problem = this.#addToolCall(state, calls[t] as WireToolCallDelta, t, emit);
          if (problem !== undefined) return problem;
        }
      }
    }
    if (typeof entry.finish_reason === "string" && entry.finish_reason !== "") {
      state.finishReason = entry.finish_reason;
      if (emit) {
        for (const tool of orderedTools(state))
          pending.push({ type: "tool-call", toolCall: toToolCall(tool) });
      }
    }
    if (entry.usage) state.usage = parseUsage(entry.usage) ?? state.usage;
    return undefined;
  }

  #addToolCall(
    state: ChoiceState,
    call: WireToolCallDelta,
    position: number,
    emit: boolean,
  ): string | undefined {
    if (call === null || typeof call !== "object") return "a tool call is not an object";
    // Fragments are keyed by index, never by id: ids may be empty or change mid-stream on some
    // gateways (docs/moonshot-wire.md, "Tools"); the first non-empty id is kept exactly.
    const slot = wireIndex(call.index, position, MAX_TOOL_CALL_INDEX, "tool call");
    if (typeof slot === "string") return slot;
    let tool = state.tools.get(slot);
    if (!tool) {
      tool = { id: "", type: "function", name: "", arguments: "" };
      state.tools.set(slot, tool);
    }
    if (typeof call.id === "string" && call.id !== "" && tool.id === "") tool.id = call.id;
    if (typeof call.type === "string" && call.type !== "") tool.type = call.type;
    const fn = call.function;
    const name = typeof fn?.name === "string" ? fn.name : "";
    if (name) tool.name += name;
    const args = typeof fn?.arguments === "string" ? fn.arguments : "";
    this.#heldLength += name.length + args.length;
    tool.arguments += args;
    if (emit) {
      const event: StreamEvent = { type: "tool-call-delta", index: slot, argumentsDelta: args };
      if (typeof call.id === "string" && call.id !== "") event.id = call.id;
      if (name) event.name = name;
      this.pending.push(event);
    }
    return undefined;
  }
}
