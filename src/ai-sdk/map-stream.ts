/**
 * The library's stream events as the specification's stream parts: reasoning and text as
 * start/delta/end blocks, tool calls as `tool-input-*` parts followed by the `tool-call`. A pure
 * state machine; the read loop that feeds it lives in `language-model.ts`.
 *
 * `$web_search` calls are not passed on: the service runs the search and the model call answers
 * them itself (see `web-search-rounds.ts`).
 */
import type { LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { type StreamEvent, type ToolCall, WEB_SEARCH_TOOL_NAME } from "kimi-provider";

interface ToolInput {
  /** The id the service gave (may be empty on some gateways). */
  wireId: string;
  /** The id reported to the AI SDK (the wire id, or a generated one when it is empty). */
  id: string;
  name: string;
  /** `$web_search`: not reported. */
  hidden: boolean;
  ended: boolean;
}

/** Tool-call input as the specification wants it: JSON text, `{}` for an empty one. */
export function toolInput(call: ToolCall): string {
  return call.function.arguments === "" ? "{}" : call.function.arguments;
}

/** Maps events to parts; one instance per model call (it spans the web-search rounds). */
export class StreamPartMapper {
  #textId: string | undefined;
  #reasoningId: string | undefined;
  #blocks = 0;
  #round = 0;
  #tools = new Map<number, ToolInput>();

  /** The parts for one event (none for `finish`: the caller reports the finish with totals). */
  map(event: StreamEvent): LanguageModelV4StreamPart[] {
    switch (event.type) {
      case "reasoning-delta": {
        const parts = this.#endText();
        if (this.#reasoningId === undefined) {
          this.#reasoningId = `reasoning-${this.#blocks++}`;
          parts.push({ type: "reasoning-start", id: this.#reasoningId });
        }
        parts.push({ type: "reasoning-delta", id: this.#reasoningId, delta: event.text });
        return parts;
      }
      case "text-delta": {
        const parts = this.#endReasoning();
        if (this.#textId === undefined) {
          this.#textId = `text-${this.#blocks++}`;
          parts.push({ type: "text-start", id: this.#textId });
        }
        parts.push({ type: "text-delta", id: this.#textId, delta: event.text });
        return parts;
      }
      case "tool-call-delta":
        return this.#toolDelta(event);
      case "tool-call":
        return this.#toolCall(event.toolCall);
      case "finish":
        return [];
    }
  }

  /** Ends the open text or reasoning block, if any. */
  close(): LanguageModelV4StreamPart[] {
    return [...this.#endReasoning(), ...this.#endText()];
  }

  /** Starts a new request of the same call (a web-search round): tool indexes start over. */
  nextRound(): void {
    this.#round++;
    this.#tools.clear();
  }

  #endText(): LanguageModelV4StreamPart[] {
    if (this.#textId === undefined) return [];
    const id = this.#textId;
    this.#textId = undefined;
    return [{ type: "text-end", id }];
  }

  #endReasoning(): LanguageModelV4StreamPart[] {
    if (this.#reasoningId === undefined) return [];
    const id = this.#reasoningId;
    this.#reasoningId = undefined;
    return [{ type: "reasoning-end", id }];
  }

  #toolDelta(
    event: Extract<StreamEvent, { type: "tool-call-delta" }>,
  ): LanguageModelV4StreamPart[] {
    let tool = this.#tools.get(event.index);
    const parts: LanguageModelV4StreamPart[] = [];
    if (tool === undefined) {
      const wireId = event.id ?? "";
      const name = event.name ?? "";
      tool = {
        wireId,
        id: wireId !== "" ? wireId : `call-${this.#round}-${event.index}`,
        name,
        hidden: name === WEB_SEARCH_TOOL_NAME,
        ended: false,
      };
      this.#tools.set(event.index, tool);
      if (!tool.hidden) {
        parts.push(...this.close());
        parts.push({ type: "tool-input-start", id: tool.id, toolName: name });
      }
    }
    if (!tool.hidden && event.argumentsDelta !== "") {
      parts.push({ type: "tool-input-delta", id: tool.id, delta: event.argumentsDelta });
    }
    return parts;
  }

  #toolCall(call: ToolCall): LanguageModelV4StreamPart[] {
    if (call.function.name === WEB_SEARCH_TOOL_NAME) return [];
    let tool: ToolInput | undefined;
    for (const candidate of this.#tools.values()) {
      if (candidate.ended || candidate.hidden) continue;
      if (candidate.wireId === call.id) {
        tool = candidate;
        break;
      }
      tool ??= candidate;
    }
    const parts: LanguageModelV4StreamPart[] = this.close();
    const id = tool?.id ?? (call.id !== "" ? call.id : `call-${this.#round}-${this.#tools.size}`);
    if (tool) {
      tool.ended = true;
      parts.push({ type: "tool-input-end", id });
    }
    parts.push({
      type: "tool-call",
      toolCallId: id,
      toolName: call.function.name,
      input: toolInput(call),
    });
    return parts;
  }
}
