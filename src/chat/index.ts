/** Chat completions: types, request building, non-streaming and streaming calls, tool helpers. */
export * from "./chat-result.ts";
export * from "./chat-stream.ts";
export * from "./complete-chat.ts";
export * from "./prepare-request.ts";
export * from "./tool-arguments.ts";
export * from "./types.ts";
export {
  answerWebSearchCalls,
  isWebSearchCall,
  webSearchTokens,
  webSearchTool,
  webSearchToolMessage,
} from "./web-search.ts";
