/**
 * Thinking across turns (docs/moonshot-wire.md, "Thinking"). A thinking model rejects a history whose assistant
 * tool-call messages lack `reasoning_content` ("thinking is enabled but reasoning_content is
 * missing in assistant tool call message at index N"), which is exactly what a history produced
 * by a non-thinking model looks like. The fix the service accepts is a non-empty placeholder.
 */
import type { ChatMessage, ThinkingSetting } from "../chat/types.ts";
import type { ModelInfo } from "../models/model-info.ts";

/**
 * Placeholder for lost reasoning. Moonshot refuses a missing field and accepts any non-empty
 * string; whether `""` passes is uncertain (docs/moonshot-wire.md, "Thinking"), so one visible character is sent,
 * as LangChain does.
 */
export const REASONING_PLACEHOLDER = ".";

/** Whether a request to `model` with this `thinking` setting runs with thinking on. */
export function thinkingEnabled(
  model: ModelInfo | undefined,
  thinking: boolean | ThinkingSetting | undefined,
): boolean {
  if (model === undefined) return false;
  const mode = model.capabilities.thinking;
  if (mode === "always") return true;
  if (mode === "none") return false;
  if (thinking === undefined) return true;
  if (typeof thinking === "boolean") return thinking;
  return thinking.type === "enabled";
}

/**
 * Returns `messages` with {@link REASONING_PLACEHOLDER} as `reasoning_content` on every
 * assistant tool-call message that has none; other messages are returned as they are.
 * Call it only when the target request runs with thinking on.
 */
export function fillMissingReasoning(messages: readonly ChatMessage[]): ChatMessage[] {
  return messages.map((message) => {
    if (
      message.role === "assistant" &&
      message.tool_calls !== undefined &&
      message.tool_calls.length > 0 &&
      (message.reasoning_content === undefined ||
        message.reasoning_content === null ||
        message.reasoning_content === "")
    ) {
      return { ...message, reasoning_content: REASONING_PLACEHOLDER };
    }
    return message;
  });
}
