/** Chat completions: the public types, the stream class, and the tool-call helpers. */

export { WEB_SEARCH_TOOL_NAME } from "../models/policy/tool-rules.ts";
export { ChatStream } from "./chat-stream.ts";
export { outputSpentOnReasoning } from "./reasoning-exhaustion.ts";
export { parseToolArguments, type ToolArgumentsSchema } from "./tool-arguments.ts";
export * from "./types.ts";
export type {
  KimiWarning,
  KimiWarningCode,
  MaxTokensLowWarning,
  MaxTokensRaisedWarning,
  ModelRetiredFallbackWarning,
  OutputSpentOnReasoningWarning,
  WarningHandler,
} from "./warnings.ts";
export {
  answerWebSearchCalls,
  isWebSearchCall,
  webSearchTokens,
  webSearchTool,
  webSearchToolMessage,
} from "./web-search.ts";
