/**
 * kimi-provider: Moonshot's Kimi models from TypeScript. The public API, listed by name: adding a
 * name here is a decision (test/library/public-api.test.ts pins the list). Building blocks for
 * advanced use live in `kimi-provider/internal` (src/internal.ts), which may change in any release.
 * @packageDocumentation
 */
export { ChatStream } from "./chat/chat-stream.ts";
export type { ToolArgumentsSchema } from "./chat/tool-arguments.ts";
export { parseToolArguments } from "./chat/tool-arguments.ts";
export type {
  AssistantMessage,
  BuiltinToolDefinition,
  ChatChoice,
  ChatMessage,
  ChatRequest,
  ChatResult,
  ContentPart,
  FunctionToolDefinition,
  ImageUrlPart,
  RequestOptions,
  ResponseFormat,
  StreamEvent,
  SystemMessage,
  TextPart,
  ThinkingSetting,
  ToolCall,
  ToolChoice,
  ToolDefinition,
  ToolMessage,
  UserMessage,
  VideoUrlPart,
} from "./chat/types.ts";
export type {
  KimiWarning,
  KimiWarningCode,
  MaxTokensLowWarning,
  MaxTokensRaisedWarning,
  ModelRetiredFallbackWarning,
  OutputSpentOnReasoningWarning,
  WarningHandler,
} from "./chat/warnings.ts";
export {
  answerWebSearchCalls,
  isWebSearchCall,
  webSearchTokens,
  webSearchTool,
  webSearchToolMessage,
} from "./chat/web-search.ts";
export type {
  Kimi,
  KimiModels,
  KimiOptions,
  KimiTokens,
  KimiUsage,
  TokenQuery,
} from "./client.ts";
export { createKimi } from "./client.ts";
export type {
  KimiSettings,
  ModelFallback,
  ResolvedConfig,
} from "./config/config.ts";
export {
  ENVIRONMENT_VARIABLES,
  MODEL_FALLBACKS,
  MOONSHOT_CHINA_BASE_URL,
  MOONSHOT_INTERNATIONAL_BASE_URL,
} from "./config/config.ts";
export type {
  RecordableCall,
  UsageSnapshot,
} from "./cost/ledger.ts";
export type {
  CostBreakdown,
  CostExtras,
} from "./cost/pricing.ts";
export { computeCost } from "./cost/pricing.ts";
export type { Usage } from "./cost/usage.ts";
export type {
  ConfigurationErrorOptions,
  ContextOverflowErrorOptions,
  ModelNotFoundErrorOptions,
  ModelRetirement,
  PartialContentOptions,
  ResponseTooLargeErrorOptions,
  StateErrorCode,
  StateErrorOptions,
  TimeoutErrorOptions,
  ToolArgumentsErrorOptions,
} from "./errors/error-classes.ts";
export {
  AbortError,
  AuthenticationError,
  BudgetExceededError,
  ConfigurationError,
  ContentFilterError,
  ContextOverflowError,
  FileExtractionError,
  FileLimitError,
  FileValidationError,
  InvalidRequestError,
  MalformedResponseError,
  ModelNotFoundError,
  NetworkError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  RedirectError,
  ResponseTooLargeError,
  ServerError,
  StateError,
  StreamTruncatedError,
  TimeoutError,
  ToolArgumentsError,
} from "./errors/error-classes.ts";
export type {
  KimiErrorCode,
  KimiErrorOptions,
} from "./errors/kimi-error.ts";
export { KimiError } from "./errors/kimi-error.ts";
export type {
  BatchUploadItem,
  BatchUploadOptions,
  BatchUploadResult,
  FailedUpload,
  UploadProgress,
} from "./files/batch-upload.ts";
export type {
  ChatFileItem,
  ChatWithFilesOptions,
  ChatWithFilesRequest,
  ChatWithFilesResult,
  FilesChatStream,
  FilesDeletion,
} from "./files/chat-with-files.ts";
export type {
  CleanupOptions,
  CleanupReport,
  SkippedFile,
} from "./files/cleanup.ts";
export type { FileContent } from "./files/file-content.ts";
export type {
  FileDeleted,
  FileList,
  FileObject,
  FilePurpose,
} from "./files/file-object.ts";
export {
  FILE_PURPOSES,
  MAX_FILE_BYTES,
  MAX_FILES_PER_ACCOUNT,
  MAX_TOTAL_BYTES,
  msReference,
} from "./files/file-object.ts";
export type { FileInput } from "./files/file-source.ts";
export type {
  FileCallOptions,
  FilesApi,
  UploadedFile,
  UploadOptions,
} from "./files/files-api.ts";
export type { RetryPolicy } from "./http/retry-policy.ts";
export type {
  DebugEvent,
  RetryEvent,
} from "./http/transport.ts";
export {
  DEFAULT_MODEL_ID,
  findCatalogModel,
  MODEL_CATALOG,
  WEB_SEARCH_FEE_USD,
} from "./models/catalog.ts";
export type {
  ModelCapabilities,
  ModelInfo,
  ModelPricing,
  ModelStatus,
  ReasoningEffort,
  SamplingFamily,
  ThinkingMode,
} from "./models/model-info.ts";
export { THINKING_MIN_OUTPUT_TOKENS } from "./models/policy/output-cap.ts";
export {
  FIXED_TEMPERATURE,
  FIXED_TOP_P,
  REASONING_EFFORTS,
} from "./models/policy/sampling-rules.ts";
export { WEB_SEARCH_TOOL_NAME } from "./models/policy/tool-rules.ts";
export type {
  ModelOverride,
  ModelOverrides,
  RefreshedModel,
} from "./models/registry.ts";
export type { RemoteModel } from "./models/remote-models.ts";
export type { ContextCheck } from "./tokens/context-check.ts";
export type { EstimableMessage } from "./tokens/local-estimator.ts";
export {
  estimatePromptTokens,
  estimateTextTokens,
} from "./tokens/local-estimator.ts";
export type { TokenCount } from "./tokens/token-counter.ts";
export type { ToolsClient } from "./tools/client-port.ts";
export type {
  ContinueOnLengthOptions,
  LongAnswer,
} from "./tools/continuation.ts";
export { continueOnLength } from "./tools/continuation.ts";
export type {
  FunctionToolDeclaration,
  KimiTool,
  ToolExecutionContext,
  ToolSpec,
} from "./tools/define-tool.ts";
export { defineTool } from "./tools/define-tool.ts";
export type { JsonSchema } from "./tools/mfjs-schema.ts";
export { toMfjsSchema } from "./tools/mfjs-schema.ts";
export type {
  GenerateObjectOptions,
  GenerateObjectResult,
} from "./tools/structured-output.ts";
export { generateObject } from "./tools/structured-output.ts";
export { StructuredOutputError } from "./tools/structured-output-error.ts";
export { REASONING_PLACEHOLDER } from "./tools/thinking-history.ts";
export { ToolBudgetExceededError } from "./tools/tool-budget.ts";
export type { ToolRun } from "./tools/tool-loop.ts";
export { runTools } from "./tools/tool-loop.ts";
export type {
  RunToolsOptions,
  ToolLoopBudget,
  ToolLoopEvent,
  ToolLoopStep,
  ToolLoopStopReason,
  ToolResultRecord,
  ToolRunResult,
} from "./tools/tool-loop-types.ts";
export type { SchemaInput } from "./tools/tool-schema.ts";
