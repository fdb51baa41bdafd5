/**
 * `kimi-provider/internal`: building blocks for advanced use and for this package's own CLI, MCP
 * server and AI SDK provider (the transport, the error mapping, redaction, the request policy, the
 * registry, the local state, the estimator's constants). UNSTABLE: names and signatures may change
 * in any release, without a major version. It shares its classes with `kimi-provider` (one bundle,
 * split), so `instanceof` works across both entries.
 * @packageDocumentation
 */
export { outputSpentOnReasoning } from "./chat/reasoning-exhaustion.ts";
export { resolveConfig } from "./config/config.ts";
export type { UsageTotals } from "./cost/ledger.ts";
export {
  addToUsageTotals,
  emptyUsageTotals,
  UsageLedger,
} from "./cost/ledger.ts";
export {
  addCost,
  sumCost,
  zeroCost,
} from "./cost/pricing.ts";
export {
  emptyUsage,
  extractUsage,
  parseUsage,
  sumUsage,
} from "./cost/usage.ts";
export { timeoutMessage } from "./errors/error-classes.ts";
export type {
  ErrorContext,
  FileErrorContext,
  ServiceErrorBody,
} from "./errors/error-mapping.ts";
export {
  errorFromResponse,
  errorFromStreamEvent,
  parseErrorBody,
  retryAfterFromHeader,
  retryAfterFromMessage,
  statusForErrorType,
} from "./errors/error-mapping.ts";
export {
  REDACTED,
  redactError,
  redactHeaders,
  redactText,
} from "./errors/redact.ts";
export { withFileMessages } from "./files/chat-with-files.ts";
export { parseFileContent } from "./files/file-content.ts";
export { isFilePurpose } from "./files/file-object.ts";
export type { RegistryEntry } from "./files/file-registry.ts";
export { FileRegistry } from "./files/file-registry.ts";
export { prepareFile } from "./files/file-source.ts";
export { FilesApi } from "./files/files-api.ts";
export { resolveStateDir } from "./files/state-dir.ts";
export { isLoopbackBaseURL, NO_KEY_PLACEHOLDER } from "./http/loopback-url.ts";
export type { RetryPredicate } from "./http/retry-policy.ts";
export {
  DEFAULT_RETRY_POLICY,
  retryBeforeFirstByte,
  retryDelayMs,
  retryNever,
  retryServiceRefusals,
  waitTooLong,
} from "./http/retry-policy.ts";
export { SseDataParser } from "./http/sse-data-parser.ts";
export type {
  OpenResponse,
  TransportOptions,
  TransportRequest,
  TransportResponse,
} from "./http/transport.ts";
export {
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_MAX_STREAM_EVENT_BYTES,
  HttpTransport,
} from "./http/transport.ts";
export type { Lineup } from "./models/lineup.ts";
export { CURRENT_LINEUP, isLineup, LINEUPS, lineupModels } from "./models/lineup.ts";
export { TOOL_NAME_PATTERN } from "./models/policy/tool-rules.ts";
export type {
  PolicyContext,
  PolicyDecision,
} from "./models/policy.ts";
export { applyRequestPolicy } from "./models/policy.ts";
export { ModelRegistry } from "./models/registry.ts";
export { listModels } from "./models/remote-models.ts";
export {
  explainRetiredModel,
  retirementAdvice,
} from "./models/retired-model.ts";
export { openStateDatabase, stateDatabasePath } from "./state/state-database.ts";
export { checkContext } from "./tokens/context-check.ts";
export type { TokenEstimateCacheOptions } from "./tokens/estimate-cache.ts";
export { sharedTokenEstimateCache, TokenEstimateCache } from "./tokens/estimate-cache.ts";
export {
  estimateMessageTokens,
  IMAGE_TOKENS,
  MESSAGE_OVERHEAD_TOKENS,
  REQUEST_OVERHEAD_TOKENS,
  VIDEO_TOKENS,
} from "./tokens/local-estimator.ts";
export type { PreSendPromptTokens } from "./tokens/pre-send-estimate.ts";
export { preSendPromptTokens } from "./tokens/pre-send-estimate.ts";
export {
  jsonLengthBound,
  messageTokensUpperBound,
  promptTokensUpperBound,
} from "./tokens/prompt-token-bound.ts";
export type { TokenCountRequest } from "./tokens/token-counter.ts";
export { countTokens } from "./tokens/token-counter.ts";
export type { ChatStreamLike } from "./tools/client-port.ts";
export { isRecord } from "./tools/mfjs-schema.ts";
export {
  fillMissingReasoning,
  thinkingEnabled,
} from "./tools/thinking-history.ts";
export type {
  ToolCallOutcome,
  ToolCallStatus,
} from "./tools/tool-execution.ts";
export {
  assistantMessageFor,
  toolMessageFor,
} from "./tools/tool-messages.ts";
export { assertToolName } from "./tools/tool-name.ts";
export { toWireSchema } from "./tools/tool-schema.ts";
