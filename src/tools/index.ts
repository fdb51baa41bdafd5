/**
 * Agentic workflows (issue #7): typed tools, the tool loop (with `$web_search` and thinking
 * models handled), structured output and long-answer continuation.
 */

export { TOOL_NAME_PATTERN } from "../models/policy/tool-rules.ts";
export type { ChatStreamLike, ToolsClient } from "./client-port.ts";
export { type ContinueOnLengthOptions, continueOnLength, type LongAnswer } from "./continuation.ts";
export {
  defineTool,
  type FunctionToolDeclaration,
  type KimiTool,
  type ToolExecutionContext,
  type ToolSpec,
} from "./define-tool.ts";
export { type JsonSchema, toMfjsSchema } from "./mfjs-schema.ts";
export {
  type GenerateObjectOptions,
  type GenerateObjectResult,
  generateObject,
} from "./structured-output.ts";
export { StructuredOutputError } from "./structured-output-error.ts";
export {
  fillMissingReasoning,
  REASONING_PLACEHOLDER,
  thinkingEnabled,
} from "./thinking-history.ts";
export { ToolBudgetExceededError } from "./tool-budget.ts";
export type { ToolCallOutcome, ToolCallStatus } from "./tool-execution.ts";
export { runTools, type ToolRun } from "./tool-loop.ts";
export type {
  RunToolsOptions,
  ToolLoopBudget,
  ToolLoopEvent,
  ToolLoopStep,
  ToolLoopStopReason,
  ToolResultRecord,
  ToolRunResult,
} from "./tool-loop-types.ts";
export { assistantMessageFor, toolMessageFor } from "./tool-messages.ts";
export { assertToolName } from "./tool-name.ts";
export { type SchemaInput, toWireSchema } from "./tool-schema.ts";
