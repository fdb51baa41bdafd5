/**
 * The public surface is a decision: this file pins the sorted runtime names of `kimi-provider` and
 * of `kimi-provider/internal` (adding or removing one means editing this list), checks that every
 * public name has TSDoc that says more than its name, and that both entries share one set of
 * classes (one bundle, split), so `instanceof` works across them.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import ts from "typescript";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";

const PUBLIC = [
  "AbortError",
  "AuthenticationError",
  "BudgetExceededError",
  "ChatStream",
  "ConfigurationError",
  "ContentFilterError",
  "ContextOverflowError",
  "DEFAULT_MODEL_ID",
  "ENVIRONMENT_VARIABLES",
  "FILE_PURPOSES",
  "FIXED_TEMPERATURE",
  "FIXED_TOP_P",
  "FileExtractionError",
  "FileLimitError",
  "FileValidationError",
  "InvalidRequestError",
  "KimiError",
  "MAX_FILES_PER_ACCOUNT",
  "MAX_FILE_BYTES",
  "MAX_TOTAL_BYTES",
  "MODEL_CATALOG",
  "MODEL_FALLBACKS",
  "MOONSHOT_CHINA_BASE_URL",
  "MOONSHOT_INTERNATIONAL_BASE_URL",
  "MalformedResponseError",
  "ModelNotFoundError",
  "NetworkError",
  "NotFoundError",
  "OverloadedError",
  "PermissionDeniedError",
  "QuotaExceededError",
  "REASONING_EFFORTS",
  "REASONING_PLACEHOLDER",
  "RateLimitError",
  "RedirectError",
  "ResponseTooLargeError",
  "ServerError",
  "StateError",
  "StreamTruncatedError",
  "StructuredOutputError",
  "THINKING_MIN_OUTPUT_TOKENS",
  "TimeoutError",
  "ToolArgumentsError",
  "ToolBudgetExceededError",
  "WEB_SEARCH_FEE_USD",
  "WEB_SEARCH_TOOL_NAME",
  "answerWebSearchCalls",
  "computeCost",
  "continueOnLength",
  "createKimi",
  "defineTool",
  "estimatePromptTokens",
  "estimateTextTokens",
  "findCatalogModel",
  "generateObject",
  "isWebSearchCall",
  "msReference",
  "parseToolArguments",
  "runTools",
  "toMfjsSchema",
  "webSearchTokens",
  "webSearchTool",
  "webSearchToolMessage",
];

const INTERNAL = [
  "CURRENT_LINEUP",
  "DEFAULT_MAX_RESPONSE_BYTES",
  "DEFAULT_MAX_STREAM_EVENT_BYTES",
  "DEFAULT_RETRY_POLICY",
  "FileRegistry",
  "FilesApi",
  "HttpTransport",
  "IMAGE_TOKENS",
  "LINEUPS",
  "MESSAGE_OVERHEAD_TOKENS",
  "ModelRegistry",
  "NO_KEY_PLACEHOLDER",
  "REDACTED",
  "REQUEST_OVERHEAD_TOKENS",
  "SseDataParser",
  "TOOL_NAME_PATTERN",
  "TokenEstimateCache",
  "UsageLedger",
  "VIDEO_TOKENS",
  "addCost",
  "addToUsageTotals",
  "applyRequestPolicy",
  "assertToolName",
  "assistantMessageFor",
  "checkContext",
  "countTokens",
  "emptyUsage",
  "emptyUsageTotals",
  "errorFromResponse",
  "errorFromStreamEvent",
  "estimateMessageTokens",
  "explainRetiredModel",
  "extractUsage",
  "fillMissingReasoning",
  "isFilePurpose",
  "isLineup",
  "isLoopbackBaseURL",
  "isRecord",
  "jsonLengthBound",
  "lineupModels",
  "listModels",
  "messageTokensUpperBound",
  "openStateDatabase",
  "outputSpentOnReasoning",
  "parseErrorBody",
  "parseFileContent",
  "parseUsage",
  "preSendPromptTokens",
  "prepareFile",
  "promptTokensUpperBound",
  "redactError",
  "redactHeaders",
  "redactText",
  "resolveConfig",
  "resolveStateDir",
  "retirementAdvice",
  "retryAfterFromHeader",
  "retryAfterFromMessage",
  "retryBeforeFirstByte",
  "retryDelayMs",
  "retryNever",
  "retryServiceRefusals",
  "sharedTokenEstimateCache",
  "stateDatabasePath",
  "statusForErrorType",
  "sumCost",
  "sumUsage",
  "thinkingEnabled",
  "timeoutMessage",
  "toWireSchema",
  "toolMessageFor",
  "waitTooLong",
  "withFileMessages",
  "zeroCost",
];

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seed: 2 });
});
after(() => emu.close());

describe("the public API", () => {
  it("kimi-provider exports exactly the pinned runtime names", async () => {
    const bundle = await import("kimi-provider");
    assert.deepEqual(Object.keys(bundle).sort(), PUBLIC);
  });

  it("kimi-provider/internal exports exactly the pinned runtime names, none of them public", async () => {
    const internal = await import("kimi-provider/internal");
    assert.deepEqual(Object.keys(internal).sort(), INTERNAL);
    assert.deepEqual(
      INTERNAL.filter((name) => PUBLIC.includes(name)),
      [],
    );
  });

  it("src/index.ts and src/internal.ts list every export by name (no `export *`)", async () => {
    const { readFile } = await import("node:fs/promises");
    for (const file of ["../../src/index.ts", "../../src/internal.ts"]) {
      const text = await readFile(new URL(file, import.meta.url), "utf8");
      assert.doesNotMatch(text, /export \*/, file);
    }
  });

  it("every public name, runtime or type, has TSDoc that says more than its name", () => {
    const program = ts.createProgram(["src/index.ts"], {
      allowImportingTsExtensions: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2023,
    });
    const checker = program.getTypeChecker();
    const entry = program.getSourceFile("src/index.ts");
    assert.ok(entry);
    const moduleSymbol = checker.getSymbolAtLocation(entry);
    assert.ok(moduleSymbol);
    const undocumented: string[] = [];
    const names = checker.getExportsOfModule(moduleSymbol);
    for (const exported of names) {
      const symbol =
        exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const doc = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
      const words = doc
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter(Boolean);
      const nameWords = exported.name
        .replace(/([a-z])([A-Z])/g, "$1 $2")
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter(Boolean);
      const more = words.filter((word) => !nameWords.includes(word));
      if (more.length < 3) undocumented.push(exported.name);
    }
    assert.ok(names.length > 150, `found ${names.length} public names`);
    assert.deepEqual(undocumented, []);
  });

  it("both entries share their classes: an internal building block throws the public classes", async () => {
    const pub = await import("kimi-provider");
    const internal = await import("kimi-provider/internal");
    const error = internal.errorFromResponse(
      '{"error":{"type":"rate_limit_reached_error","message":"slow down"}}',
      { status: 429 },
    );
    assert.ok(error instanceof pub.RateLimitError);
    assert.ok(error instanceof pub.KimiError);
    // No key and a non-loopback host: refused before anything is sent (a loopback host would get
    // the keyless placeholder instead).
    const http = new internal.HttpTransport({
      baseURL: "https://api.moonshot.ai/v1",
      apiKey: undefined,
      timeoutMs: 5_000,
      retry: internal.DEFAULT_RETRY_POLICY,
    });
    await assert.rejects(http.json({ method: "GET", path: "/models" }), pub.ConfigurationError);
    const kimi = pub.createKimi({ apiKey: "sk-shared", baseURL: emu.baseURL, env: {} });
    assert.ok(kimi.files instanceof internal.FilesApi);
    assert.ok(kimi.http instanceof internal.HttpTransport);
  });
});
