/**
 * `kimi-provider chat [PROMPT...]`: asks a model and streams the answer to stdout. Files given
 * with -f are uploaded for extraction, put in system messages and deleted afterwards, also when
 * the answer fails or is interrupted (the library's chat-with-files does the bookkeeping).
 */
import type { ChatMessage, ChatRequest, ChatResult, StreamEvent } from "kimi-provider";
import { AbortError } from "kimi-provider";
import { resolveStateDir } from "kimi-provider/internal";
import { AnswerPrinter } from "../answer-printer.ts";
import { optionalNumberFlag, parseCommandArgs } from "../arguments.ts";
import { chatJson, summaryLine } from "../chat-report.ts";
import type { CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { describeFailure } from "../failure.ts";
import { readStdin } from "../input-text.ts";
import { openService, type ServiceSession } from "../service.ts";
import { printJson } from "../terminal.ts";
import { readToolsFile } from "../tools-file.ts";
import { UsageError } from "../usage-error.ts";
import { recordUsage } from "../usage-store.ts";

/** Delay between streamed chunks when answering from the emulator, so text appears progressively. */
const DEMO_CHUNK_DELAY_MS = 15;

const OPTIONS = {
  model: { type: "string", short: "m" },
  system: { type: "string", short: "s" },
  file: { type: "string", short: "f", multiple: true },
  tools: { type: "string" },
  temperature: { type: "string" },
  "max-tokens": { type: "string" },
  "no-stream": { type: "boolean" },
  "hide-reasoning": { type: "boolean" },
  summary: { type: "boolean" },
  "no-summary": { type: "boolean" },
  json: { type: "boolean" },
} as const;

async function readPrompt(positionals: readonly string[], context: CliContext): Promise<string> {
  let prompt: string;
  if (positionals.length === 0 || (positionals.length === 1 && positionals[0] === "-")) {
    if (process.stdin.isTTY === true) {
      context.terminal.err("Type your prompt, then press Ctrl-D on a new line.\n");
    }
    prompt = await readStdin(context.signal);
    if (context.signal.aborted) throw new AbortError("Interrupted while reading the prompt.");
  } else {
    prompt = positionals.join(" ");
  }
  if (prompt.trim() === "") {
    throw new UsageError(
      "PROMPT",
      'The prompt is empty: give it as arguments or on stdin (e.g. `echo "Hello" | kimi-provider chat`).',
      "chat",
    );
  }
  return prompt;
}

/** Runs `kimi-provider chat`. */
export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs("chat", args, OPTIONS);
  const temperature = optionalNumberFlag(values.temperature, "--temperature", {
    min: 0,
    max: 1,
    describe: "a number from 0 to 1 (Moonshot rejects anything above 1)",
  });
  const maxTokens = optionalNumberFlag(values["max-tokens"], "--max-tokens", {
    min: 1,
    integer: true,
    describe: "a positive whole number of tokens",
  });
  if (values.model !== undefined && values.model.trim() === "") {
    throw new UsageError(
      "--model",
      "--model is empty. Run `kimi-provider models` for ids.",
      "chat",
    );
  }
  if (values.summary && values["no-summary"]) {
    throw new UsageError("--summary", "Give --summary or --no-summary, not both.", "chat");
  }
  const tools = values.tools === undefined ? undefined : await readToolsFile(values.tools);
  const prompt = await readPrompt(positionals, context);

  const messages: ChatMessage[] = [];
  if (values.system !== undefined) messages.push({ role: "system", content: values.system });
  messages.push({ role: "user", content: prompt });
  const request: ChatRequest = {
    messages,
    ...(values.model === undefined ? {} : { model: values.model.trim() }),
    ...(temperature === undefined ? {} : { temperature }),
    ...(maxTokens === undefined ? {} : { maxTokens }),
    ...(tools === undefined ? {} : { tools }),
  };

  const session = await openService(context, {
    verbose: values.verbose === true,
    emulatorChunkDelayMs: DEMO_CHUNK_DELAY_MS,
  });
  const json = values.json === true;
  const printer = new AnswerPrinter(context.terminal, {
    hideReasoning: values["hide-reasoning"] === true || json,
  });
  try {
    const result = await answer(
      session,
      request,
      values.file ?? [],
      values["no-stream"] === true,
      printer,
      json,
      context,
    );
    // Recorded before the final output: a reader that went away (a closed pipe) or an
    // interrupt while printing must not lose an answer that was paid for.
    await record(session, result, context);
    if (json) {
      printJson(context.terminal, chatJson(result));
    } else {
      printer.finish();
      if (result.finishReason === "length") {
        context.terminal.err(
          `(the answer was cut at the output cap of ${maxTokens ?? session.kimi.config.maxTokens} tokens: raise --max-tokens)\n`,
        );
      }
      const wantSummary =
        values.summary === true || (values["no-summary"] !== true && context.terminal.stderrIsTTY);
      if (wantSummary) context.terminal.err(`${context.terminal.dim(summaryLine(result))}\n`);
    }
    return EXIT.ok;
  } catch (error) {
    if (!json) printer.finish();
    if (context.signal.aborted || error instanceof AbortError) {
      const files = (values.file ?? []).length;
      context.terminal.err(
        `kimi-provider: interrupted${files > 0 ? `; the ${files === 1 ? "uploaded file was" : "uploaded files were"} deleted` : ""}\n`,
      );
      return EXIT.interrupted;
    }
    throw error;
  } finally {
    await session.close();
  }
}

async function answer(
  session: ServiceSession,
  request: ChatRequest,
  files: readonly string[],
  noStream: boolean,
  printer: AnswerPrinter,
  json: boolean,
  context: CliContext,
): Promise<ChatResult> {
  const { kimi } = session;
  const options = { signal: context.signal };
  if (noStream) {
    const result =
      files.length > 0
        ? (await kimi.files.chatWithFiles({ ...request, files: [...files] }, options)).result
        : await kimi.chat(request, options);
    if (!json) {
      if (result.reasoningContent) printer.reasoning(result.reasoningContent);
      printer.text(result.content);
      for (const call of result.toolCalls) printer.toolCall(call);
    }
    return result;
  }
  const show = (event: StreamEvent) => {
    if (json) return;
    if (event.type === "reasoning-delta") printer.reasoning(event.text);
    else if (event.type === "text-delta") printer.text(event.text);
    else if (event.type === "tool-call") printer.toolCall(event.toolCall);
  };
  if (files.length > 0) {
    const stream = kimi.files.streamWithFiles({ ...request, files: [...files] }, options);
    for await (const event of stream) show(event);
    return (await stream.result).result;
  }
  const stream = kimi.stream(request, options);
  for await (const event of stream) show(event);
  return stream.result;
}

/** Adds the answer to the usage ledger; a failure to write it is a warning, not a failed chat. */
async function record(
  session: ServiceSession,
  result: ChatResult,
  context: CliContext,
): Promise<void> {
  // Answers of the local emulator cost nothing: keep the ledger about the real service.
  if (session.emulator !== undefined) return;
  try {
    await recordUsage(resolveStateDir(undefined, context.env), {
      model: result.model,
      usage: result.usage,
      cost: result.cost,
      webSearchCalls: result.webSearchCalls,
    });
  } catch (error) {
    context.terminal.err(
      `warning: usage not recorded: ${describeFailure(error, session.secrets).replace(/^kimi-provider: /, "")}`,
    );
  }
}
