/**
 * Decides what the emulated model says: a short deterministic answer reflecting the question, a
 * tool call (or several in parallel) when the last user message names declared tools, an answer
 * quoting tool results once they are in the history, the `$web_search` round trip, JSON for JSON
 * mode, a continuation for partial mode and reasoning for thinking models.
 * Pure: the same request and seed always give the same reply.
 */
import { xid } from "./ids.ts";
import { createRng, hashString, type Rng } from "./random.ts";
import type { ChatRequest, WireMessage, WireTool } from "./request-validation.ts";
import { sampleSchema } from "./schema-sampler.ts";
import { wireEra } from "./wire-era.ts";

/**
 * A tool-call id: `name_index` on 2026 models, the index counting within this response (so ids
 * repeat across turns); `name:index` on 2025 models, the index counting every call of the
 * conversation (docs/moonshot-wire.md "Tools").
 */
function toolCallId(request: ChatRequest, name: string, index: number, earlier: number): string {
  return wireEra(request.model) === "2026" ? `${name}_${index}` : `${name}:${earlier + index}`;
}

/**
 * JSON with a space after every `:` and `,` (`{"city": "Paris"}`), as 2026 models write tool-call
 * arguments (recorded, docs/moonshot-wire.md "Tools"). Strings are escaped by `JSON.stringify`.
 */
export function spacedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(spacedJson).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}: ${spacedJson(item)}`).join(", ")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** One tool call the reply makes. */
export interface ReplyToolCall {
  id: string;
  type: "function" | "builtin_function";
  name: string;
  arguments: string;
}

/** The generated reply, split into the pieces streamed one per chunk. */
export interface Reply {
  reasoningPieces: string[];
  contentPieces: string[];
  toolCalls: ReplyToolCall[];
}

/** The name under which the builtin search tool is declared and called. */
export const WEB_SEARCH = "$web_search";

const LENGTH_WORDS = [
  "kimi",
  "local",
  "reply",
  "token",
  "stream",
  "fast",
  "chunk",
  "bench",
  "data",
  "test",
];

/** Plain text of a message's content (text parts joined). */
export function messageText(message: WireMessage | undefined): string {
  if (!message) return "";
  const { content } = message;
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        part && typeof part === "object" && (part as { type?: string }).type === "text"
          ? String((part as { text?: unknown }).text ?? "")
          : "",
      )
      .join("");
  }
  return "";
}

/** Splits text into pieces of one word each (leading whitespace kept), the unit of streaming. */
export function splitPieces(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? (text ? [text] : []);
}

function splitFixed(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}

const STOP = new Set(
  "a an the is are was were be do does did how what why when where which who whom can could would should will i you me my your it its of to in on for and or with about please tell explain give show me us we this that these those hi hello hey from by as at into".split(
    " ",
  ),
);

function topicOf(question: string): string {
  const words = question
    .replace(/[^\p{L}\p{N}\s'-]+/gu, " ")
    .split(/\s+/)
    .filter((word) => word.length > 1 && !STOP.has(word.toLowerCase()));
  const topic = words.slice(0, 5).join(" ");
  return topic || "your question";
}

function lastUserIndex(messages: readonly WireMessage[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.role === "user") return i;
  return -1;
}

function textAnswer(question: string, rng: Rng): string {
  const trimmed = question.trim();
  if (/\p{Script=Han}/u.test(trimmed)) {
    return `关于「${trimmed.slice(0, 30)}」：这是本地 Kimi 模拟器生成的简短回答。建议先从一个最小的例子入手，确认结果后再逐步扩展。`;
  }
  if (/^(hi|hello|hey|good (morning|afternoon|evening))\b/i.test(trimmed) || trimmed.length === 0) {
    return "Hello! I'm the Kimi emulator running on your machine. Ask me anything: my answers are generated offline and deterministically, so tests and demos behave the same on every run.";
  }
  const quoted = truncate(trimmed.replace(/\s+/g, " "), 80);
  const opening = rng.pick([
    `You asked: "${quoted}".`,
    `Good question: "${quoted}".`,
    `Here is a short answer to "${quoted}".`,
  ]);
  const body = rng.pick([
    "Start from the simplest version that works, check it against a small example, then refine the details one step at a time.",
    "The key is to be clear about what you need first; with that settled, the options narrow quickly and the trade-offs become easy to compare.",
    "In short: break it into small parts, handle the common case first, and keep an eye on the edge cases as you go.",
  ]);
  return `${opening} ${body} (Reply generated by the local Kimi emulator.)`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

interface ToolResult {
  name: string;
  content: string;
}

/** Tool results that follow the last assistant tool-call message, if the history ends with them. */
function trailingToolResults(messages: readonly WireMessage[]): ToolResult[] {
  const results: ToolResult[] = [];
  let i = messages.length - 1;
  while (i >= 0 && messages[i]?.role === "tool") i--;
  const assistant = messages[i];
  const names = new Map<string, string>();
  for (const call of assistant?.tool_calls ?? []) names.set(call.id, call.function?.name ?? "tool");
  for (let j = i + 1; j < messages.length; j++) {
    const message = messages[j] as WireMessage;
    results.push({
      name: message.name ?? names.get(message.tool_call_id ?? "") ?? "tool",
      content: messageText(message),
    });
  }
  return results;
}

/** Tokens of `$web_search` results the history carries (the echoed `usage.total_tokens`). */
export function webSearchTokens(messages: readonly WireMessage[]): number {
  let total = 0;
  let searchIds: Set<string> | undefined;
  for (const message of messages) {
    if (message.role === "assistant" && message.tool_calls) {
      for (const call of message.tool_calls) {
        if (call.function?.name === WEB_SEARCH) {
          searchIds ??= new Set();
          searchIds.add(call.id);
        }
      }
    } else if (
      message.role === "tool" &&
      (message.name === WEB_SEARCH || searchIds?.has(message.tool_call_id ?? ""))
    ) {
      try {
        const parsed = JSON.parse(messageText(message)) as { usage?: { total_tokens?: unknown } };
        const tokens = parsed.usage?.total_tokens;
        if (typeof tokens === "number" && tokens > 0) total += Math.floor(tokens);
      } catch {
        // Not the echoed arguments: nothing was searched.
      }
    }
  }
  return total;
}

function countToolCalls(messages: readonly WireMessage[]): number {
  let count = 0;
  for (const message of messages) count += message.tool_calls?.length ?? 0;
  return count;
}

function namedTools(tools: readonly WireTool[], text: string, toolChoice: string): WireTool[] {
  const functions = tools.filter((tool) => tool.type === "function");
  if (toolChoice.startsWith("function:")) {
    const name = toolChoice.slice("function:".length);
    return functions.filter((tool) => tool.function.name === name);
  }
  const lower = text.toLowerCase();
  const found = functions
    .map((tool) => ({ tool, at: lower.indexOf(tool.function.name.toLowerCase()) }))
    .filter((entry) => entry.at >= 0)
    .sort((a, b) => a.at - b.at)
    .map((entry) => entry.tool);
  if (found.length === 0 && toolChoice === "required" && functions[0]) return [functions[0]];
  return found;
}

/** Options that shape the reply independent of the request body. */
export interface ReplyOptions {
  seed: number;
  /** Exact number of content pieces wanted (benchmarks), if any. */
  replyTokens?: number | undefined;
  /** Varies the text between choices when `n > 1`. */
  choiceIndex: number;
}

/** Generates the reply for a validated request. */
export function generateReply(request: ChatRequest, options: ReplyOptions): Reply {
  const { messages, tools, toolChoice, thinking } = request;
  const userIndex = lastUserIndex(messages);
  const question = messageText(messages[userIndex]);
  const rng = createRng(
    hashString(`${request.model.id}\u0000${messages.length}\u0000${question}`, options.seed) ^
      Math.imul(options.choiceIndex + 1, 0x9e3779b1),
  );
  const last = messages[messages.length - 1] as WireMessage;
  const topic = topicOf(question);
  const reasoning = (text: string): string[] => (thinking ? splitPieces(text) : []);

  if (last.role === "tool") {
    const results = trailingToolResults(messages);
    const searched = results.filter((result) => result.name === WEB_SEARCH);
    let answer: string;
    if (searched.length > 0 && searched.length === results.length) {
      answer = `I searched the web for "${truncate(question.trim(), 80)}". ${textAnswer(question, rng)}`;
    } else {
      const quoted = results.map(
        (result) => `${result.name} returned ${truncate(result.content, 300)}`,
      );
      answer = `Based on the tool results: ${quoted.join("; ")}. Let me know if you need anything else.`;
    }
    return {
      reasoningPieces: reasoning("The tool results are in; I will summarize them for the user."),
      contentPieces: splitPieces(answer),
      toolCalls: [],
    };
  }

  if (last.role !== "assistant" && tools.length > 0 && toolChoice !== "none") {
    const chosen = namedTools(tools, question, toolChoice);
    const base = countToolCalls(messages);
    if (chosen.length > 0) {
      const toolCalls = chosen.map((tool, index): ReplyToolCall => {
        const args = sampleSchema(
          tool.function.parameters ?? { type: "object", properties: {} },
          rng,
          {
            userText: question,
          },
        );
        return {
          id: toolCallId(request, tool.function.name, index, base),
          type: "function",
          name: tool.function.name,
          arguments:
            wireEra(request.model) === "2026" ? spacedJson(args ?? {}) : JSON.stringify(args ?? {}),
        };
      });
      const names = chosen.map((tool) => tool.function.name).join(", ");
      return {
        reasoningPieces: reasoning(
          `The user asks about ${topic}. I should call ${names} to answer.`,
        ),
        contentPieces: [],
        toolCalls,
      };
    }
    if (
      tools.some((tool) => tool.type === "builtin_function" && tool.function.name === WEB_SEARCH)
    ) {
      // The server makes the arguments; the client echoes them back unchanged (docs).
      const searchTokens = 1000 + (hashString(question, options.seed) % 4000);
      const args = JSON.stringify({
        search_result: { search_id: xid() },
        usage: { total_tokens: searchTokens },
      });
      return {
        reasoningPieces: [],
        contentPieces: [],
        toolCalls: [
          {
            id: toolCallId(request, WEB_SEARCH, 0, base),
            type: "builtin_function",
            name: WEB_SEARCH,
            arguments: args,
          },
        ],
      };
    }
  }

  if (options.replyTokens !== undefined && options.replyTokens >= 0) {
    const pieces: string[] = [];
    for (let i = 0; i < options.replyTokens; i++) {
      const word = LENGTH_WORDS[(i + options.choiceIndex) % LENGTH_WORDS.length] as string;
      pieces.push(i === 0 ? word : ` ${word}`);
    }
    return {
      reasoningPieces: reasoning(`Writing a long reply about ${topic}.`),
      contentPieces: pieces,
      toolCalls: [],
    };
  }

  if (request.responseFormat.type !== "text") {
    const value =
      request.responseFormat.type === "json_schema"
        ? sampleSchema(request.responseFormat.schema, rng, { userText: question })
        : { answer: textAnswer(question, rng), topic };
    return {
      reasoningPieces: reasoning("The user wants JSON; I will answer with a single JSON value."),
      contentPieces: splitFixed(JSON.stringify(value), 12),
      toolCalls: [],
    };
  }

  if (request.partial) {
    // Partial mode: continue the prefix without repeating it.
    const prefix = messageText(last);
    const continuation = `${/\s$/.test(prefix) || prefix === "" ? "" : " "}${textAnswer(question, rng)}`;
    return { reasoningPieces: [], contentPieces: splitPieces(continuation), toolCalls: [] };
  }

  return {
    reasoningPieces: reasoning(
      `The user asks about ${topic}. A short, practical answer will help most; I will keep it clear.`,
    ),
    contentPieces: splitPieces(textAnswer(question, rng)),
    toolCalls: [],
  };
}
