/** Options, events and results of {@link runTools}. */
import type {
  ChatMessage,
  RequestOptions,
  ThinkingSetting,
  ToolCall,
  ToolChoice,
} from "../chat/types.ts";
import type { CostBreakdown } from "../cost/pricing.ts";
import type { Usage } from "../cost/usage.ts";
import type { KimiTool } from "./define-tool.ts";
import type { ToolCallStatus } from "./tool-execution.ts";

/** Spending limits of a run. Checked before each request, over everything spent so far. */
export interface ToolLoopBudget {
  /** Total tokens (prompt + completion, every step). */
  maxTokens?: number;
  /** Total USD (tokens and `$web_search` fees). Needs a model with known prices. */
  maxCostUsd?: number;
}

/** Options of {@link runTools}. */
export interface RunToolsOptions {
  /** Model id; default `config.defaultModel`. */
  model?: string;
  /** The conversation so far (it is not modified). */
  messages: ChatMessage[];
  /** Typed tools the model may call (see `defineTool`). */
  tools?: readonly KimiTool[];
  /** Declares Moonshot's builtin `$web_search` and handles its round trip (docs/moonshot-wire.md, "Web search"). */
  webSearch?: boolean;
  /** Most model requests the run may make (default 10); reaching it stops with `max-steps`. */
  maxSteps?: number;
  /** Most tool calls of one step executed at the same time (default 4). */
  concurrency?: number;
  /** Token / USD limits. */
  budget?: ToolLoopBudget;
  /**
   * What reaching the budget does: `"throw"` (default) rejects with {@link ToolBudgetExceededError}
   * (code `budget_exceeded`, partial result attached); `"stop"` resolves with `stopReason: "budget"`.
   */
  onBudgetExceeded?: "throw" | "stop";
  /** Thinking on/off and `keep`; sent only to models that take them (the client's policy). */
  thinking?: boolean | ThinkingSetting;
  /** `auto` (default on the service) or `none`; thinking models accept only these two. */
  toolChoice?: ToolChoice;
  temperature?: number;
  /** Output cap per step. */
  maxTokens?: number;
  promptCacheKey?: string;
  extraBody?: Record<string, unknown>;
  /** Cancels the run: the current request and running tools see the abort. */
  signal?: AbortSignal;
  /** Timeout, retries and headers for each request. */
  requestOptions?: Omit<RequestOptions, "signal">;
}

/** Why a run ended. */
export type ToolLoopStopReason =
  /** The model answered without calling a tool. */
  | "answered"
  /** The model's last answer hit the output cap (`finish_reason: "length"`). */
  | "length"
  /** `maxSteps` requests were made and the model still wanted tools. */
  | "max-steps"
  /** The budget was reached (with `onBudgetExceeded: "stop"`). */
  | "budget";

/** One executed (or echoed) tool call. */
export interface ToolResultRecord {
  toolCall: ToolCall;
  status: ToolCallStatus;
  isError: boolean;
  /** The tool message content sent back. */
  content: string;
  /** What `execute` returned, on success. */
  output?: unknown;
  /** The failure, when `isError`. */
  error?: Error;
}

/** One request/answer of the loop. */
export interface ToolLoopStep {
  /** 1-based. */
  step: number;
  finishReason: string;
  /** The step's answer text (often empty on tool-call steps). */
  content: string;
  /** The step's thinking text, `null` when the model did not think. */
  reasoningContent: string | null;
  /** @deprecated The same as {@link ToolLoopStep.content}; use `content`. */
  text: string;
  /** @deprecated The same as {@link ToolLoopStep.reasoningContent}; use `reasoningContent`. */
  reasoning: string | null;
  toolCalls: ToolCall[];
  toolResults: ToolResultRecord[];
  /** The step's usage; `null` when the service reported none. */
  usage: Usage | null;
  cost: CostBreakdown;
}

/** The outcome of {@link runTools}. */
export interface ToolRunResult {
  /** The final answer (text of the last step). */
  content: string;
  /** Reasoning of the last step, `null` when the model did not think. */
  reasoningContent: string | null;
  /** @deprecated The same as {@link ToolRunResult.content}; use `content`. */
  text: string;
  /** @deprecated The same as {@link ToolRunResult.reasoningContent}; use `reasoningContent`. */
  reasoning: string | null;
  stopReason: ToolLoopStopReason;
  /** `finish_reason` of the last step. */
  finishReason: string;
  /** The whole conversation: the input messages and everything the loop appended. */
  messages: ChatMessage[];
  /** Only the messages the loop appended (assistant and tool messages). */
  newMessages: ChatMessage[];
  steps: ToolLoopStep[];
  /** Token totals over the steps that reported usage (a step without usage adds nothing). */
  usage: Usage;
  /** Cost over every step, field by field (`$web_search` fees included); `total` is `null` if a step had no known price. */
  cost: CostBreakdown;
  /** @deprecated `cost.total`: USD over every step; `null` if a step had no known price. */
  totalCostUsd: number | null;
  /** `$web_search` calls over every step. */
  webSearchCalls: number;
}

/** Events of a run, in order. Every event but `finish` carries its step number. */
export type ToolLoopEvent =
  | { type: "step-start"; step: number }
  | { type: "reasoning-delta"; step: number; text: string }
  | { type: "text-delta"; step: number; text: string }
  | { type: "tool-call"; step: number; toolCall: ToolCall }
  | ({ type: "tool-result"; step: number } & ToolResultRecord)
  | {
      type: "step-finish";
      step: number;
      finishReason: string;
      usage: Usage | null;
      cost: CostBreakdown;
    }
  | { type: "finish"; result: ToolRunResult };
