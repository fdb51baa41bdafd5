/**
 * `runTools()`: the multi-step tool loop. Each step streams one request, executes the tool calls
 * the model asked for (in parallel, bounded), appends the assistant and tool messages exactly as
 * Kimi requires (docs/moonshot-wire.md, "Tools" and "Thinking"), and repeats until the model answers, `maxSteps` is
 * reached, or the budget is spent.
 */
import { mapSettled } from "../async/concurrency.ts";
import { EventQueue } from "../async/event-queue.ts";
import type { ChatMessage, ChatRequest, ThinkingSetting, ToolDefinition } from "../chat/types.ts";
import { webSearchTool } from "../chat/web-search.ts";
import { addCost, sumCost, zeroCost } from "../cost/pricing.ts";
import { emptyUsage, sumUsage } from "../cost/usage.ts";
import { AbortError, InvalidRequestError } from "../errors/error-classes.ts";
import type { ModelInfo } from "../models/model-info.ts";
import { duplicateToolName, webSearchProblem } from "../models/policy/tool-rules.ts";
import type { ToolsClient } from "./client-port.ts";
import type { KimiTool } from "./define-tool.ts";
import { fillMissingReasoning, thinkingEnabled } from "./thinking-history.ts";
import { budgetReached, ToolBudgetExceededError } from "./tool-budget.ts";
import { executeToolCall } from "./tool-execution.ts";
import type {
  RunToolsOptions,
  ToolLoopEvent,
  ToolLoopStep,
  ToolLoopStopReason,
  ToolResultRecord,
  ToolRunResult,
} from "./tool-loop-types.ts";
import { assistantMessageFor } from "./tool-messages.ts";

/** A running tool loop: iterate its events, or just await its result. */
export interface ToolRun extends AsyncIterable<ToolLoopEvent> {
  /** Resolves when the run ends; rejects with `AbortError`, `ToolBudgetExceededError` or a request error. */
  readonly result: Promise<ToolRunResult>;
}

const DEFAULT_MAX_STEPS = 10;
const DEFAULT_CONCURRENCY = 4;

/**
 * Starts a tool loop. The loop begins at once; events are buffered, so awaiting
 * `run.result` without iterating is fine.
 *
 * @example
 * const run = runTools(kimi, { messages: [{ role: "user", content: "Weather in Paris?" }], tools: [weather] });
 * for await (const event of run) if (event.type === "text-delta") process.stdout.write(event.text);
 * const { content, cost } = await run.result;
 */
export function runTools(client: ToolsClient, options: RunToolsOptions): ToolRun {
  // The run's own signal: the caller's, and the consumer leaving the `for await` loop early.
  const controller = new AbortController();
  const onCallerAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) controller.abort(options.signal.reason);
  else options.signal?.addEventListener("abort", onCallerAbort, { once: true });
  const channel = new EventQueue<ToolLoopEvent>({
    iteratedTwice: "A tool run's events can be iterated only once.",
    onReturn: async () => {
      controller.abort();
      await result.catch(() => undefined);
    },
  });
  const result = loop(client, { ...options, signal: controller.signal }, channel).finally(() =>
    options.signal?.removeEventListener("abort", onCallerAbort),
  );
  // Iteration ends with the run: normally, or by throwing the run's error. A caller may also
  // only iterate; the result's rejection is then observed here so it cannot crash the process.
  result.then(
    () => channel.end(),
    (error: unknown) => channel.end({ error }),
  );
  return {
    result,
    [Symbol.asyncIterator]: () => channel[Symbol.asyncIterator](),
  };
}

async function loop(
  client: ToolsClient,
  options: RunToolsOptions,
  channel: EventQueue<ToolLoopEvent>,
): Promise<ToolRunResult> {
  const modelId = options.model ?? client.config.defaultModel;
  const model = client.models.get(modelId);
  const tools = toolMap(options.tools ?? []);
  const thinking = thinkingFor(model, options);
  const declarations: ToolDefinition[] = [...tools.values()].map((tool) => tool.declaration);
  if (options.webSearch === true) declarations.push(webSearchTool());
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const signal = options.signal ?? new AbortController().signal;

  const input = [...options.messages];
  const appended: ChatMessage[] = [];
  const steps: ToolLoopStep[] = [];
  let usage = emptyUsage();
  let costUsd: number | null = 0;
  let cost = zeroCost(modelId);
  let webSearchCalls = 0;

  const finish = (stopReason: ToolLoopStopReason): ToolRunResult => {
    const last = steps.at(-1);
    return {
      content: last?.content ?? "",
      reasoningContent: last?.reasoningContent ?? null,
      text: last?.content ?? "",
      reasoning: last?.reasoningContent ?? null,
      stopReason,
      finishReason: last?.finishReason ?? "",
      messages: [...input, ...appended],
      newMessages: [...appended],
      steps: [...steps],
      usage,
      cost,
      totalCostUsd: costUsd,
      webSearchCalls,
    };
  };

  for (let step = 1; ; step++) {
    throwIfAborted(signal);
    if (step > maxSteps) return emitFinish(channel, finish("max-steps"));
    const overBudget = budgetReached(options.budget, { tokens: usage.totalTokens, costUsd });
    if (overBudget !== undefined) {
      const partial = finish("budget");
      if (options.onBudgetExceeded === "stop") return emitFinish(channel, partial);
      throw new ToolBudgetExceededError(
        `${overBudget} The run stopped before step ${step}; raise the budget or pass onBudgetExceeded: "stop" to get the partial result without an error.`,
        { result: partial },
      );
    }

    channel.push({ type: "step-start", step });
    const history = [...input, ...appended];
    const request: ChatRequest = {
      model: modelId,
      // A history written by a non-thinking model lacks reasoning_content; a thinking model
      // rejects it with a 400 (docs/moonshot-wire.md, "Thinking"), so placeholders are filled in on the wire only.
      messages: thinkingEnabled(model, thinking) ? fillMissingReasoning(history) : history,
      ...(declarations.length > 0 ? { tools: declarations } : {}),
      ...(options.toolChoice !== undefined ? { toolChoice: options.toolChoice } : {}),
      ...(thinking !== undefined ? { thinking } : {}),
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
      ...(options.promptCacheKey !== undefined ? { promptCacheKey: options.promptCacheKey } : {}),
      ...(options.extraBody !== undefined ? { extraBody: options.extraBody } : {}),
    };
    const stream = client.stream(request, { ...options.requestOptions, signal });
    for await (const event of stream) {
      if (event.type === "text-delta" || event.type === "reasoning-delta") {
        channel.push({ type: event.type, step, text: event.text });
      } else if (event.type === "tool-call") {
        channel.push({ type: "tool-call", step, toolCall: event.toolCall });
      }
    }
    const answer = await stream.result;

    usage = sumUsage(usage, answer.usage);
    costUsd = addCost(costUsd, answer.cost.total);
    cost = sumCost(cost, answer.cost);
    webSearchCalls += answer.webSearchCalls;
    appended.push(assistantMessageFor(answer));
    channel.push({
      type: "step-finish",
      step,
      finishReason: answer.finishReason,
      usage: answer.usage,
      cost: answer.cost,
    });

    const record: ToolLoopStep = {
      step,
      finishReason: answer.finishReason,
      content: answer.content,
      reasoningContent: answer.reasoningContent,
      text: answer.content,
      reasoning: answer.reasoningContent,
      toolCalls: answer.toolCalls,
      toolResults: [],
      usage: answer.usage,
      cost: answer.cost,
    };
    steps.push(record);

    if (answer.toolCalls.length === 0) {
      return emitFinish(channel, finish(answer.finishReason === "length" ? "length" : "answered"));
    }

    const settled = await mapSettled(answer.toolCalls, concurrency, (toolCall) =>
      executeToolCall(toolCall, tools, { toolCallId: toolCall.id, signal, step }),
    );
    throwIfAborted(signal);
    // One tool message per call id, in the order the calls were made (docs/moonshot-wire.md,
    // "Tools").
    for (const done of settled) {
      // executeToolCall turns every failure into a result; a rejection here is a bug to surface.
      if (done.status === "rejected") throw done.reason;
      const outcome = done.value;
      const toolResult: ToolResultRecord = {
        toolCall: outcome.toolCall,
        status: outcome.status,
        isError: outcome.isError,
        content: typeof outcome.message.content === "string" ? outcome.message.content : "",
        ...(outcome.output !== undefined ? { output: outcome.output } : {}),
        ...(outcome.error !== undefined ? { error: outcome.error } : {}),
      };
      record.toolResults.push(toolResult);
      appended.push(outcome.message);
      channel.push({ type: "tool-result", step, ...toolResult });
    }
  }
}

function emitFinish(channel: EventQueue<ToolLoopEvent>, result: ToolRunResult): ToolRunResult {
  channel.push({ type: "finish", result });
  return result;
}

function toolMap(tools: readonly KimiTool[]): Map<string, KimiTool> {
  const twice = duplicateToolName(tools.map((tool) => tool.name));
  if (twice !== undefined) {
    throw new InvalidRequestError(
      `Two tools are named "${twice}"; Moonshot rejects duplicate function names. Rename one.`,
    );
  }
  return new Map(tools.map((tool) => [tool.name, tool]));
}

/**
 * The `thinking` setting to send. `$web_search` does not work with thinking on
 * (docs/moonshot-wire.md, "Tools"), so a model that can toggle thinking gets it turned off when
 * web search is on and the caller did not ask for thinking; asking for both is refused before
 * anything is sent.
 */
function thinkingFor(
  model: ModelInfo | undefined,
  options: RunToolsOptions,
): boolean | ThinkingSetting | undefined {
  if (options.webSearch !== true) return options.thinking;
  if (model === undefined) return options.thinking;
  const asked = options.thinking !== undefined && thinkingEnabled(model, options.thinking);
  const problem = webSearchProblem(model, model.capabilities.thinking === "toggle" && asked);
  if (problem === "unsupported") {
    throw new InvalidRequestError(
      `Model ${model.id} does not support $web_search. Pick a model whose catalog entry has capabilities.webSearch, or drop webSearch.`,
    );
  }
  if (model.capabilities.thinking !== "toggle") return options.thinking;
  if (problem === "thinking") {
    throw new InvalidRequestError(
      `$web_search is incompatible with thinking on ${model.id}. Drop \`thinking\` or web search.`,
    );
  }
  return typeof options.thinking === "object" ? options.thinking : false;
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new AbortError("The tool run was aborted by the caller.");
}
