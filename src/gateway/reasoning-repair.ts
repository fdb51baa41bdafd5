/**
 * Puts `reasoning_content` back on the assistant tool-call turns of a thinking request that lack
 * it. With thinking on, the service refuses such a history with a 400 ("thinking is enabled but
 * reasoning_content is missing in assistant tool call message at index N", docs/moonshot-wire.md
 * "Thinking"), and most OpenAI clients drop the field. A turn the gateway served gets its own
 * reasoning back from the memory; a turn it never saw gets the library's placeholder
 * (src/tools/thinking-history.ts).
 */
import type { ChatMessage } from "kimi-provider";
import { fillMissingReasoning } from "kimi-provider/internal";
import type { FieldRepair } from "./sampling-repair.ts";
import { isToolCallTurn, turnKeys } from "./turn-key.ts";

function lacksReasoning(message: Record<string, unknown>): boolean {
  const reasoning = message.reasoning_content;
  return reasoning === undefined || reasoning === null || reasoning === "";
}

/** Reads remembered reasoning for turn keys (the database in the gateway). */
export type ReasoningRecall = (keys: readonly string[]) => Promise<Map<string, string>>;

/** Indexes of the assistant tool-call turns of `messages` that lack `reasoning_content`. */
export function turnsMissingReasoning(messages: readonly Record<string, unknown>[]): number[] {
  const missing: number[] = [];
  messages.forEach((message, index) => {
    if (isToolCallTurn(message) && lacksReasoning(message)) missing.push(index);
  });
  return missing;
}

/**
 * Repairs `body.messages` in place; returns what changed. `missing`: the turns to repair
 * ({@link turnsMissingReasoning}, computed by the caller, which skips this when there are none).
 */
export async function repairReasoning(
  body: { messages: Record<string, unknown>[] },
  recall: ReasoningRecall,
  missing: readonly number[] = turnsMissingReasoning(body.messages),
): Promise<FieldRepair[]> {
  if (missing.length === 0) return [];
  const keys = turnKeys(body.messages);
  const wanted = missing.flatMap((index) => {
    const key = keys.get(index);
    return key === undefined ? [] : [key];
  });
  const remembered = await recall(wanted);
  let restored = 0;
  const messages = body.messages.map((message, index) => {
    const key = keys.get(index);
    const reasoning = key === undefined ? undefined : remembered.get(key);
    if (reasoning === undefined || !missing.includes(index)) return message;
    restored++;
    return { ...message, reasoning_content: reasoning };
  });
  body.messages = fillMissingReasoning(messages as unknown as ChatMessage[]) as unknown as Record<
    string,
    unknown
  >[];
  const placeholders = missing.length - restored;
  return [
    {
      field: "reasoning_content",
      note: `reasoning_content missing on ${missing.length} tool-call turn(s): ${restored} restored from memory, ${placeholders} placeholder(s)`,
    },
  ];
}
