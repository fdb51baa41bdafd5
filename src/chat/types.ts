/**
 * Wire and result types of chat completions (docs/moonshot-wire.md, "Messages" and "Streams").
 *
 * Messages, tool calls and tool definitions keep Moonshot's wire shape (snake_case) so a result's
 * `message` can be appended to the history and sent back byte-for-byte; request options and
 * results use camelCase.
 */
import type { CostBreakdown } from "../cost/pricing.ts";
import type { Usage } from "../cost/usage.ts";
import type { ReasoningEffort } from "../models/model-info.ts";
import type { KimiWarning } from "./warnings.ts";

/** A text part of a multi-part message content. */
export interface TextPart {
  type: "text";
  text: string;
}

/** An image part: `url` is a base64 data URL or `ms://<file_id>` (docs/moonshot-wire.md, "Messages"). */
export interface ImageUrlPart {
  type: "image_url";
  image_url: { url: string };
}

/** A video part: `url` is a base64 data URL or `ms://<file_id>` (docs/moonshot-wire.md, "Messages"). */
export interface VideoUrlPart {
  type: "video_url";
  video_url: { url: string };
}

/** One part of an array `content`. */
export type ContentPart = TextPart | ImageUrlPart | VideoUrlPart;

/**
 * A tool call as the service sends it. `id` is opaque: 2026 models send `get_weather_0`, 2025 K2
 * sent `get_weather:0`, and ids repeat across turns (docs/moonshot-wire.md, "Tools"). It is kept
 * verbatim and never parsed.
 */
export interface ToolCall {
  id: string;
  /** `function`, or `builtin_function` for `$web_search` on some streams; echo it unchanged. */
  type: string;
  function: {
    name: string;
    /** The arguments as a JSON string, exactly as produced by the model. */
    arguments: string;
  };
}

/** A `system` message: instructions (or a document's text) the model follows for the whole chat. */
export interface SystemMessage {
  role: "system";
  content: string | ContentPart[];
  name?: string;
}

/** A `user` message: the person's turn, as text or as text, image and video parts. */
export interface UserMessage {
  role: "user";
  content: string | ContentPart[];
  name?: string;
}

/** An `assistant` message: a past answer, or (with `partial: true`, last) a prefix to continue. */
export interface AssistantMessage {
  role: "assistant";
  content?: string | null;
  /** Thinking models: must be sent back on tool-call turns (docs/moonshot-wire.md, "Thinking"). */
  reasoning_content?: string | null;
  tool_calls?: ToolCall[];
  name?: string;
  /** Partial mode: the model continues this content (docs/moonshot-wire.md, "Partial mode"). */
  partial?: boolean;
}

/** A `tool` message answering one tool call. */
export interface ToolMessage {
  role: "tool";
  tool_call_id: string;
  /** The function name; Moonshot's docs pass it (docs/moonshot-wire.md, "Tools"). */
  name?: string;
  content: string | ContentPart[];
}

/** Any message of a conversation, in Moonshot's wire shape (send `result.message` back as is). */
export type ChatMessage = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

/** A function tool declaration (docs/moonshot-wire.md, "Tools"). */
export interface FunctionToolDefinition {
  type: "function";
  function: {
    name: string;
    description?: string;
    /** JSON Schema whose root is an object. */
    parameters?: Record<string, unknown>;
    strict?: boolean;
  };
}

/** A builtin tool, e.g. `{type: "builtin_function", function: {name: "$web_search"}}` (docs/moonshot-wire.md, "Web search"). */
export interface BuiltinToolDefinition {
  type: "builtin_function";
  function: { name: string };
}

/** A tool the model may call: a function with a JSON Schema, or a builtin such as `$web_search`. */
export type ToolDefinition = FunctionToolDefinition | BuiltinToolDefinition;

/** `tool_choice` (docs/moonshot-wire.md, "Tools"). */
export type ToolChoice =
  | "auto"
  | "none"
  | "required"
  | { type: "function"; function: { name: string } };

/** `response_format` (docs/moonshot-wire.md, "Structured output"). */
export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | {
      type: "json_schema";
      json_schema: {
        name: string;
        schema: Record<string, unknown>;
        strict?: boolean;
        description?: string;
      };
    };

/** `thinking` as the wire carries it (docs/moonshot-wire.md, "Messages" and "Thinking"). */
export interface ThinkingSetting {
  type: "enabled" | "disabled";
  keep?: "all" | null;
}

/** A chat request. Omitted fields take the configured defaults (see `createKimi`). */
export interface ChatRequest {
  /** Model id; default `config.defaultModel`. */
  model?: string;
  messages: ChatMessage[];
  temperature?: number;
  topP?: number;
  n?: number;
  /**
   * Output cap (reasoning included). Default: `config.maxTokens`, clamped to the window and, on
   * thinking models, raised to at least 16,000. An explicit value is sent as given (a warning
   * says when it is below 16,000 on a thinking model).
   */
  maxTokens?: number;
  stop?: string | string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
  /** `true`/`false` or the wire object; only sent to models that can toggle thinking. */
  thinking?: boolean | ThinkingSetting;
  /**
   * `reasoning_effort`: how much a model that takes it (kimi-k3) reasons. Refused before sending
   * on models whose catalog entry lists no efforts.
   */
  reasoningEffort?: ReasoningEffort;
  /** `logprobs`: return log probabilities of the output tokens. kimi-k3 refuses `true`. */
  logprobs?: boolean;
  /** `top_logprobs` (0-20): alternatives per token; needs `logprobs: true`. */
  topLogprobs?: number;
  /** `logit_bias`: token id → bias from -100 to 100. kimi-k3 refuses it. */
  logitBias?: Record<string, number>;
  /** Improves automatic prompt-cache hits (docs/moonshot-wire.md, "Messages" and "Prices"). */
  promptCacheKey?: string;
  /** Extra body fields, sent as-is and last (they win over everything above). */
  extraBody?: Record<string, unknown>;
}

/** Options of one call (`chat`, `stream`, ...): cancellation, timeout, retries, extra headers. */
export interface RequestOptions {
  /** Cancels the request (and a stream mid-way). */
  signal?: AbortSignal;
  /** Whole-request timeout in ms (stream included); default `config.timeoutMs`. */
  timeoutMs?: number;
  /** Retries for this call; default `config.maxRetries`. */
  maxRetries?: number;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
}

/** One choice of a result (several when `n > 1`). */
export interface ChatChoice {
  index: number;
  /** Answer text; in partial mode the prefix is re-joined. */
  content: string;
  /** Thinking text, `null` when the model did not think. */
  reasoningContent: string | null;
  toolCalls: ToolCall[];
  finishReason: string;
  /** The assistant message, ready to append to the history (keeps `reasoning_content`). */
  message: AssistantMessage;
}

/** The full answer of a chat call. */
export interface ChatResult {
  id: string;
  model: string;
  created: number;
  /** Answer text of choice 0; in partial mode the prefix is re-joined. */
  content: string;
  /** Thinking text of choice 0, `null` when the model did not think. */
  reasoningContent: string | null;
  toolCalls: ToolCall[];
  finishReason: "stop" | "length" | "tool_calls" | "content_filter" | (string & {});
  /** Token usage; `null` when the service reported none (unknown, never counted as 0). */
  usage: Usage | null;
  /** Cost from the catalog; fields are `null` when a price or the usage is unknown. */
  cost: CostBreakdown;
  /** Choice 0 as an assistant message, ready to append to the history. */
  message: AssistantMessage;
  /** Every choice (one unless `n > 1`). */
  choices: ChatChoice[];
  /** Number of `$web_search` calls in this answer (each is billed, docs/moonshot-wire.md, "Web search"). */
  webSearchCalls: number;
  /** `Msh-Request-Id` of the response, when sent. */
  requestId: string | undefined;
  /**
   * Warnings about this call, also sent to `onWarning`: a retired model answered by its
   * successor, an output cap raised or small for a thinking model, an answer whose whole output
   * went into reasoning.
   */
  warnings: KimiWarning[];
}

/** Events of a chat stream, in arrival order. */
export type StreamEvent =
  | { type: "reasoning-delta"; text: string }
  | { type: "text-delta"; text: string }
  | {
      type: "tool-call-delta";
      index: number;
      id?: string;
      name?: string;
      argumentsDelta: string;
    }
  | { type: "tool-call"; toolCall: ToolCall }
  | { type: "finish"; finishReason: string; usage: Usage | null; cost: CostBreakdown };
