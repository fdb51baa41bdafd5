/**
 * `kimi-provider chat [PROMPT...]`: asks a model and streams the answer to stdout, or, on a
 * terminal without a prompt (or with -i), opens an interactive session. Every chat is a session
 * saved in the state database, resumed by `--continue` (the last one) or `--session NAME`. Files
 * given with -f are uploaded for extraction, put in system messages and deleted afterwards, also
 * when the answer fails or is interrupted (the library's chat-with-files does the bookkeeping).
 */
import type { ChatResult } from "kimi-provider";
import { AbortError } from "kimi-provider";
import { resolveStateDir } from "kimi-provider/internal";
import type { ReasoningDisplay } from "../answer-printer.ts";
import { optionalNumberFlag, parseCommandArgs } from "../arguments.ts";
import { chatJson, summaryLine } from "../chat-report.ts";
import { ChatSession } from "../chat-session.ts";
import type { CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { describeFailure } from "../failure.ts";
import { readStdin } from "../input-text.ts";
import { runInteractive } from "../interactive-chat.ts";
import { openService, type ServiceSession } from "../service.ts";
import {
  checkSessionName,
  createSession,
  deleteSession,
  findSession,
  lastSession,
  type StoredSession,
} from "../session-store.ts";
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
  "tools-exec": { type: "string" },
  interactive: { type: "boolean", short: "i" },
  continue: { type: "boolean", short: "c" },
  session: { type: "string" },
  temperature: { type: "string" },
  "max-tokens": { type: "string" },
  "no-stream": { type: "boolean" },
  "hide-reasoning": { type: "boolean" },
  reasoning: { type: "string" },
  summary: { type: "boolean" },
  "no-summary": { type: "boolean" },
  json: { type: "boolean" },
} as const;

async function readPrompt(context: CliContext): Promise<string> {
  const prompt = await readStdin(context.signal);
  if (context.signal.aborted) throw new AbortError("Interrupted while reading the prompt.");
  return prompt;
}

function emptyPrompt(): UsageError {
  return new UsageError(
    "PROMPT",
    'The prompt is empty: give it as arguments or on stdin (e.g. `echo "Hello" | kimi-provider chat`).',
    "chat",
  );
}

const REASONING_MODES: Record<string, ReasoningDisplay> = { on: "show", off: "hide", fold: "fold" };

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
  if (values.continue && values.session !== undefined) {
    throw new UsageError(
      "--continue",
      "Give --continue (the last session) or --session NAME, not both.",
      "chat",
    );
  }
  if (values.interactive && values.json) {
    throw new UsageError(
      "--json",
      "--json prints one answer as JSON; it does not apply to an interactive session (-i). Drop one of them.",
      "chat",
    );
  }
  let reasoning: ReasoningDisplay = values["hide-reasoning"] === true ? "hide" : "show";
  if (values.reasoning !== undefined) {
    const mode = REASONING_MODES[values.reasoning];
    if (mode === undefined) {
      throw new UsageError(
        "--reasoning",
        `--reasoning ${JSON.stringify(values.reasoning)} is invalid: use on, off or fold.`,
        "chat",
      );
    }
    reasoning = mode;
  }
  const sessionName =
    values.session === undefined ? undefined : checkSessionName(values.session.trim());
  const tools = values.tools === undefined ? undefined : await readToolsFile(values.tools);
  const json = values.json === true;
  const fromStdin = positionals.length === 1 && positionals[0] === "-";
  const interactive =
    values.interactive === true ||
    (positionals.length === 0 && process.stdin.isTTY === true && !json);
  let prompt: string | undefined;
  if (fromStdin || (positionals.length === 0 && !interactive)) {
    prompt = await readPrompt(context);
    if (prompt.trim() === "") throw emptyPrompt();
  } else if (positionals.length > 0) {
    prompt = positionals.join(" ");
    if (prompt.trim() === "") throw emptyPrompt();
  }

  const stateDir = resolveStateDir(undefined, context.env);
  // Resolved before the service starts: a wrong name is a usage error with nothing started.
  let stored: StoredSession | undefined;
  if (values.continue) {
    stored = await lastSession(stateDir);
    if (stored === undefined) {
      throw new UsageError(
        "--continue",
        "There is no saved session to continue yet: start one with `kimi-provider chat`.",
        "chat",
      );
    }
  } else if (sessionName !== undefined) {
    stored = await findSession(stateDir, sessionName);
  }

  const service = await openService(context, {
    verbose: values.verbose === true,
    emulatorChunkDelayMs: DEMO_CHUNK_DELAY_MS,
  });
  const emulator = service.emulator !== undefined;
  const created = stored === undefined;
  try {
    if (stored === undefined) {
      stored = await createSession(stateDir, {
        ...(sessionName === undefined ? {} : { name: sessionName }),
        model: values.model?.trim(),
        settings: {
          ...(values.system === undefined ? {} : { system: values.system }),
          ...(tools === undefined ? {} : { tools }),
          emulator,
        },
      });
    } else {
      if (values.model !== undefined) stored.model = values.model.trim();
      if (values.system !== undefined) stored.settings.system = values.system;
      if (tools !== undefined) stored.settings.tools = tools;
    }
    const session = new ChatSession({
      kimi: service.kimi,
      stored,
      stateDir,
      terminal: context.terminal,
      emulator,
      ...(values["tools-exec"] === undefined ? {} : { toolsExec: values["tools-exec"] }),
      defaults: {
        ...(temperature === undefined ? {} : { temperature }),
        ...(maxTokens === undefined ? {} : { maxTokens }),
      },
      noStream: values["no-stream"] === true,
      reasoning: json ? "hide" : reasoning,
      interactive: interactive && context.terminal.stderrIsTTY,
      quiet: json,
      onResult: (result) => record(service, result, context),
    });
    const files = values.file ?? [];
    if (interactive) {
      for (const file of files) {
        const added = await session.addFile(file, context.signal);
        context.terminal.err(`added ${added.filename} as a system message\n`);
      }
      return await runInteractive(session, context, {
        secrets: service.secrets,
        emulator,
        ...(prompt === undefined ? {} : { firstMessage: prompt }),
      });
    }
    return await oneShot(session, prompt ?? "", files, created, {
      json,
      maxTokens,
      values,
      service,
      context,
    });
  } finally {
    // A session that never got a turn (interrupted, failed, left at once) is not kept.
    if (created && stored !== undefined && stored.messages.length === 0) {
      await deleteSession(stateDir, String(stored.id)).catch(() => undefined);
    }
    await service.close();
  }
}

async function oneShot(
  session: ChatSession,
  prompt: string,
  files: readonly string[],
  created: boolean,
  run: {
    json: boolean;
    maxTokens: number | undefined;
    values: { summary?: boolean | undefined; "no-summary"?: boolean | undefined };
    service: ServiceSession;
    context: CliContext;
  },
): Promise<number> {
  const { context, service, values } = run;
  try {
    // A new session takes the files through chat-with-files (first, after the system prompt); a
    // resumed one appends them, so nothing sent before moves.
    let viaChat: readonly string[] = files;
    if (!created) {
      for (const file of files) await session.addFile(file, context.signal);
      viaChat = [];
    }
    const result = await session.turn(prompt, context.signal, viaChat);
    if (run.json) {
      printJson(context.terminal, chatJson(result));
    } else {
      if (result.finishReason === "length") {
        context.terminal.err(
          `(the answer was cut at the output cap of ${run.maxTokens ?? service.kimi.config.maxTokens} tokens: raise --max-tokens)\n`,
        );
      }
      const wantSummary =
        values.summary === true || (values["no-summary"] !== true && context.terminal.stderrIsTTY);
      if (wantSummary) {
        context.terminal.err(
          `${context.terminal.dim(summaryLine(result, { emulator: service.emulator !== undefined }))}\n`,
        );
      }
    }
    return EXIT.ok;
  } catch (error) {
    if (context.signal.aborted || error instanceof AbortError) {
      context.terminal.err(
        `kimi-provider: interrupted${files.length > 0 ? `; the ${files.length === 1 ? "uploaded file was" : "uploaded files were"} deleted` : ""}\n`,
      );
      return EXIT.interrupted;
    }
    throw error;
  }
}

/** Adds the answer to the usage ledger; a failure to write it is a warning, not a failed chat. */
async function record(
  service: ServiceSession,
  result: ChatResult,
  context: CliContext,
): Promise<void> {
  // Answers of the local emulator cost nothing: keep the ledger about the real service.
  if (service.emulator !== undefined) return;
  try {
    await recordUsage(resolveStateDir(undefined, context.env), {
      model: result.model,
      usage: result.usage,
      cost: result.cost,
      webSearchCalls: result.webSearchCalls,
    });
  } catch (error) {
    context.terminal.err(
      `warning: usage not recorded: ${describeFailure(error, service.secrets).replace(/^kimi-provider: /, "")}`,
    );
  }
}
