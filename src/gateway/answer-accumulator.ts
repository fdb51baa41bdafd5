/**
 * What the gateway needs to know about an answer it relayed: the assistant turn of the first
 * choice (for the reasoning memory) and the usage (for the ledger and the cost headers). Pure:
 * fed the decoded stream chunks one by one, or a whole non-stream body once.
 */
import type { Usage } from "kimi-provider";
import { extractUsage } from "kimi-provider/internal";

/** The first choice's assistant turn as the client will send it back. */
export interface AnswerTurn {
  role: "assistant";
  content: string;
  reasoning_content: string;
  tool_calls: { id: string; type: "function"; function: { name: string; arguments: string } }[];
}

interface ToolCallParts {
  id: string;
  name: string;
  arguments: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Accumulates stream chunks. */
export class AnswerAccumulator {
  #content = "";
  #reasoning = "";
  readonly #calls = new Map<number, ToolCallParts>();
  #usage: Usage | undefined;

  /** Reads one decoded chunk of a stream. */
  addChunk(chunk: unknown): void {
    if (!isObject(chunk)) return;
    this.#usage = extractUsage(chunk) ?? this.#usage;
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    const first = choices.find((choice) => isObject(choice) && (choice.index ?? 0) === 0);
    if (!isObject(first) || !isObject(first.delta)) return;
    const { delta } = first;
    if (typeof delta.content === "string") this.#content += delta.content;
    if (typeof delta.reasoning_content === "string") this.#reasoning += delta.reasoning_content;
    if (Array.isArray(delta.tool_calls)) {
      for (const call of delta.tool_calls) {
        if (!isObject(call)) continue;
        const index = typeof call.index === "number" ? call.index : this.#calls.size;
        const parts = this.#calls.get(index) ?? { id: "", name: "", arguments: "" };
        if (typeof call.id === "string") parts.id = call.id;
        const fn = isObject(call.function) ? call.function : {};
        if (typeof fn.name === "string") parts.name += fn.name;
        if (typeof fn.arguments === "string") parts.arguments += fn.arguments;
        this.#calls.set(index, parts);
      }
    }
  }

  /** Reads a whole non-stream body. */
  addBody(body: unknown): void {
    if (!isObject(body)) return;
    this.#usage = extractUsage(body);
    const choices = Array.isArray(body.choices) ? body.choices : [];
    const first = choices[0];
    if (!isObject(first) || !isObject(first.message)) return;
    const { message } = first;
    if (typeof message.content === "string") this.#content = message.content;
    if (typeof message.reasoning_content === "string") this.#reasoning = message.reasoning_content;
    if (Array.isArray(message.tool_calls)) {
      message.tool_calls.forEach((call, index) => {
        if (!isObject(call)) return;
        const fn = isObject(call.function) ? call.function : {};
        this.#calls.set(index, {
          id: typeof call.id === "string" ? call.id : "",
          name: typeof fn.name === "string" ? fn.name : "",
          arguments: typeof fn.arguments === "string" ? fn.arguments : "",
        });
      });
    }
  }

  /** The usage reported, if any. */
  get usage(): Usage | undefined {
    return this.#usage;
  }

  /** Whether the first choice called tools (then its {@link turn} may be worth remembering). */
  get hasToolCalls(): boolean {
    return this.#calls.size > 0;
  }

  /** The first choice's turn. */
  get turn(): AnswerTurn {
    return {
      role: "assistant",
      content: this.#content,
      reasoning_content: this.#reasoning,
      tool_calls: [...this.#calls.entries()]
        .sort(([a], [b]) => a - b)
        .map(([, parts]) => ({
          id: parts.id,
          type: "function",
          function: { name: parts.name, arguments: parts.arguments },
        })),
    };
  }
}
