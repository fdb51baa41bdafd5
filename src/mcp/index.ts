/**
 * `kimi-provider/mcp`: Kimi as an MCP server (the official `@modelcontextprotocol/sdk`), for
 * library use; the command line runs it as `kimi-provider mcp`. Importing `kimi-provider`
 * itself never loads this module or the SDK.
 * @packageDocumentation
 */
export type { ConversationLimits } from "./conversation-store.ts";
export { DEFAULT_CONVERSATION_LIMITS } from "./conversation-store.ts";
export { MCP_HTTP_PATH } from "./http-server.ts";
export {
  type McpHttpOptions,
  type McpServerOptions,
  type RunningMcpServer,
  startMcpServer,
} from "./start-mcp-server.ts";
export { DEMO_NOTICE } from "./tool-result.ts";
export { KIMI_ANALYZE_FILES_TOOL } from "./tools/kimi-analyze-files.ts";
export { KIMI_CHAT_TOOL } from "./tools/kimi-chat.ts";
export { KIMI_ESTIMATE_TOKENS_TOOL } from "./tools/kimi-estimate-tokens.ts";
export { KIMI_MODELS_TOOL } from "./tools/kimi-models.ts";
export { KIMI_USAGE_TOOL } from "./tools/kimi-usage.ts";
