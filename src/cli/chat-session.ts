/**
 * One chat session of the CLI: the conversation, the settings the next turn is sent with, the
 * session's usage, and the turn itself (streamed, tool calls answered by `--tools-exec`), saved
 * to the state database after every turn (src/cli/session-store.ts).
 *
 * The prompt is laid out for Moonshot's automatic prompt cache, which hits on a run of whole
 * leading messages identical to an earlier request's (docs/moonshot-wire.md, "Usage"):
 * the system prompt first, then the conversation in the order it happened, file messages where
 * they were added. Nothing already sent is ever reordered, so every turn's prompt starts with the
 * previous turn's whole prompt.
 */
import {
  AbortError,
  type ChatMessage,
  type ChatRequest,
  type ChatResult,
  estimatePromptTokens,
  type Kimi,
  type StreamEvent,
  type ToolCall,
} from "kimi-provider";
import { toolMessageFor, withFileMessages } from "kimi-provider/internal";
import { AnswerPrinter, type ReasoningDisplay } from "./answer-printer.ts";
import { formatCount, formatPercent, formatUsd, plural } from "./format.ts";
import { type SessionUsage, type StoredSession, saveSession } from "./session-store.ts";
import type { Terminal } from "./terminal.ts";
import { runToolCommand } from "./tool-exec.ts";
import { startWaitingIndicator } from "./waiting-indicator.ts";

/** Most model rounds one turn may take when tools are executed (a model looping on tools stops). */
const MAX_TOOL_ROUNDS = 8;

/** What the tool message says when a call is shown but no `--tools-exec` command runs it. */
const NOT_EXECUTED = JSON.stringify({
  error: "not executed: this kimi-provider session has no --tools-exec command",
});

/** How a session is set up. */
export interface ChatSessionOptions {
  kimi: Kimi;
  /** The saved session (its messages are the conversation). */
  stored: StoredSession;
  /** State directory the session is saved in. */
  stateDir: string;
  terminal: Terminal;
  /** Answers come from the CLI's local emulator (they cost nothing). */
  emulator: boolean;
  /** `--tools-exec`: the command answering tool calls. */
  toolsExec?: string;
  /** Request fields from flags that apply to every turn. */
  defaults: Pick<ChatRequest, "temperature" | "maxTokens">;
  /** Wait for whole answers instead of streaming. */
  noStream?: boolean;
  /** How reasoning is shown. */
  reasoning: ReasoningDisplay;
  /** Label the reasoning and show a waiting indicator (an interactive session). */
  interactive: boolean;
  /** Print nothing of the answer (`--json` prints the result itself). */
  quiet?: boolean;
  /** Called with every answered request (the usage ledger). */
  onResult?: (result: ChatResult) => Promise<void>;
}

/** A file added to the session by {@link ChatSession.addFile}. */
export interface AddedFile {
  filename: string;
  /** Local estimate of the tokens of the system message. */
  tokens: number;
}

/** A chat session. */
export class ChatSession {
  readonly stored: StoredSession;
  readonly #options: ChatSessionOptions;
  /** How reasoning is shown (`/reasoning`). */
  reasoning: ReasoningDisplay;

  constructor(options: ChatSessionOptions) {
    this.#options = options;
    this.stored = options.stored;
    this.reasoning = options.reasoning;
  }

  /** The model the next turn uses. */
  get model(): string {
    return this.stored.model ?? this.#options.kimi.config.defaultModel;
  }

  /** Sets the model of the next turns. */
  setModel(model: string): void {
    this.stored.model = model;
  }

  /** The messages of the next request before the new user message: system prompt first. */
  prompt(): ChatMessage[] {
    const { system } = this.stored.settings;
    const head: ChatMessage[] = system === undefined ? [] : [{ role: "system", content: system }];
    return [...head, ...this.stored.messages];
  }

  /** Number of user turns in the conversation. */
  get turns(): number {
    return this.stored.messages.filter((message) => message.role === "user").length;
  }

  /** Saves the session now. */
  save(): Promise<void> {
    return saveSession(this.#options.stateDir, this.stored);
  }

  /**
   * Sends `content` as a user turn and prints the answer; answers tool calls (running
   * `--tools-exec`, or saying none ran) until the model gives a final answer. The turn joins the
   * conversation only when it completes: a cancelled or failed turn leaves it as it was. With
   * `files`, the documents go in through the library's chat-with-files (uploaded, extracted, put
   * after the system prompt, deleted), which is only done on an empty conversation so nothing
   * sent before moves. Returns the last answer.
   */
  async turn(
    content: string,
    signal: AbortSignal,
    files: readonly string[] = [],
  ): Promise<ChatResult> {
    let pending: ChatMessage[] = [...this.stored.messages, { role: "user", content }];
    let result: ChatResult | undefined;
    for (let round = 0; round < MAX_TOOL_ROUNDS; round++) {
      const request = this.#request(pending);
      if (round === 0 && files.length > 0) {
        const sent = await this.#askWithFiles(request, files, signal);
        result = sent.result;
        // What was sent: the file messages after the system prompt, before the user turn.
        const head = this.prompt().length - this.stored.messages.length;
        pending = sent.sent.slice(head);
      } else {
        result = await this.#ask(request, signal);
      }
      await this.#count(result);
      pending.push(result.message);
      if (result.toolCalls.length === 0) break;
      const exec = this.#options.toolsExec;
      for (const call of result.toolCalls) {
        const answer =
          exec === undefined ? NOT_EXECUTED : (await this.#runTool(exec, call, signal)).content;
        pending.push(toolMessageFor(call, answer));
      }
      if (exec === undefined) {
        this.#note(
          `(${result.toolCalls.length} tool ${plural(result.toolCalls.length, "call")} not executed: start the session with --tools-exec CMD to answer them)`,
        );
        break;
      }
    }
    if (result === undefined) throw new AbortError("No answer.");
    this.stored.messages = pending;
    await this.save();
    return result;
  }

  /**
   * Uploads `path` for extraction, adds its text as a system message at the end of the
   * conversation (where it stays) and deletes the upload at once.
   */
  async addFile(path: string, signal: AbortSignal): Promise<AddedFile> {
    const { files } = this.#options.kimi;
    const uploaded = await files.upload(path, { signal });
    try {
      const content = await files.content(uploaded.id, { signal });
      const message: ChatMessage = { role: "system", content: content.raw };
      this.stored.messages.push(message);
      await this.save();
      return {
        filename: uploaded.filename,
        tokens: estimatePromptTokens([message]),
      };
    } finally {
      await files.delete(uploaded.id).catch(() => undefined);
    }
  }

  /** Removes the last user turn and everything after it; returns whether there was one. */
  undo(): boolean {
    const index = this.stored.messages.findLastIndex((message) => message.role === "user");
    if (index < 0) return false;
    this.stored.messages = this.stored.messages.slice(0, index);
    return true;
  }

  /** Removes the last user turn and its answer, returning its text to send again. */
  takeLastTurn(): string | undefined {
    const index = this.stored.messages.findLastIndex((message) => message.role === "user");
    const message = this.stored.messages[index];
    if (message === undefined || message.role !== "user") return undefined;
    this.stored.messages = this.stored.messages.slice(0, index);
    return typeof message.content === "string"
      ? message.content
      : message.content.map((part) => (part.type === "text" ? part.text : "")).join("");
  }

  /** Forgets the conversation's turns, keeping the system prompt and the files. */
  clear(): void {
    this.stored.messages = this.stored.messages.filter((message) => message.role === "system");
  }

  /** `/cost`: the session's requests, tokens, cache hit rate and cost. */
  costLine(): string {
    return sessionCostLine(this.stored.usage, this.#options.emulator);
  }

  #request(messages: ChatMessage[]): ChatRequest {
    const { settings } = this.stored;
    const system = settings.system;
    return {
      messages:
        system === undefined ? messages : [{ role: "system", content: system }, ...messages],
      ...(this.stored.model === undefined ? {} : { model: this.stored.model }),
      ...this.#options.defaults,
      ...(settings.tools === undefined ? {} : { tools: settings.tools }),
      ...(settings.thinking === undefined ? {} : { thinking: settings.thinking }),
    };
  }

  #printer(): { printer: AnswerPrinter; stopWaiting: () => void } {
    const { terminal, interactive, quiet } = this.#options;
    const waiting = interactive ? startWaitingIndicator(terminal, this.model) : undefined;
    const stopWaiting = () => waiting?.stop();
    const printer = new AnswerPrinter(terminal, {
      reasoning: quiet === true ? "hide" : this.reasoning,
      label: interactive,
      onFirstOutput: stopWaiting,
    });
    return { printer, stopWaiting };
  }

  #show(printer: AnswerPrinter): (event: StreamEvent) => void {
    const quiet = this.#options.quiet === true;
    return (event) => {
      if (event.type === "reasoning-delta") printer.reasoning(event.text);
      if (quiet) return;
      if (event.type === "text-delta") printer.text(event.text);
      else if (event.type === "tool-call") printer.toolCall(event.toolCall);
    };
  }

  async #ask(request: ChatRequest, signal: AbortSignal): Promise<ChatResult> {
    const { kimi, noStream, quiet } = this.#options;
    const { printer, stopWaiting } = this.#printer();
    try {
      if (noStream === true) {
        const result = await kimi.chat(request, { signal });
        if (quiet !== true) {
          if (result.reasoningContent) printer.reasoning(result.reasoningContent);
          printer.text(result.content);
          for (const call of result.toolCalls) printer.toolCall(call);
        }
        return result;
      }
      const stream = kimi.stream(request, { signal });
      const show = this.#show(printer);
      for await (const event of stream) show(event);
      return await stream.result;
    } finally {
      stopWaiting();
      if (quiet !== true) printer.finish();
    }
  }

  async #askWithFiles(
    request: ChatRequest,
    files: readonly string[],
    signal: AbortSignal,
  ): Promise<{ result: ChatResult; sent: ChatMessage[] }> {
    const { kimi, noStream, quiet } = this.#options;
    const { printer, stopWaiting } = this.#printer();
    try {
      const withFiles = { ...request, files: [...files] };
      if (noStream === true) {
        const done = await kimi.files.chatWithFiles(withFiles, { signal });
        const { result } = done;
        if (quiet !== true) {
          if (result.reasoningContent) printer.reasoning(result.reasoningContent);
          printer.text(result.content);
          for (const call of result.toolCalls) printer.toolCall(call);
        }
        return { result, sent: withFileMessages(request.messages, done.contents) };
      }
      const stream = kimi.files.streamWithFiles(withFiles, { signal });
      const show = this.#show(printer);
      for await (const event of stream) show(event);
      const done = await stream.result;
      return { result: done.result, sent: withFileMessages(request.messages, done.contents) };
    } finally {
      stopWaiting();
      if (quiet !== true) printer.finish();
    }
  }

  async #runTool(command: string, call: ToolCall, signal: AbortSignal) {
    const run = await runToolCommand(command, call, signal);
    if (signal.aborted) throw new AbortError("Interrupted while a tool command ran.");
    const shown = run.content.length > 200 ? `${run.content.slice(0, 200)}…` : run.content;
    this.#note(`[tool result ${call.id}${run.ok ? "" : " (failed)"}] ${shown.replace(/\n/g, " ")}`);
    return run;
  }

  #note(text: string): void {
    if (this.#options.quiet === true) return;
    this.#options.terminal.err(`${this.#options.terminal.dim(text)}\n`);
  }

  async #count(result: ChatResult): Promise<void> {
    const usage = this.stored.usage;
    usage.requests += 1;
    if (result.usage !== null) {
      usage.promptTokens += result.usage.promptTokens;
      usage.cachedTokens += result.usage.cachedTokens;
      usage.completionTokens += result.usage.completionTokens;
    }
    if (this.#options.emulator) {
      // The emulator's answers cost nothing; their catalog price is not a cost.
    } else if (result.cost.total === null) {
      usage.unpricedRequests += 1;
    } else {
      usage.costUsd = Math.round((usage.costUsd + result.cost.total) * 1e12) / 1e12;
    }
    await this.#options.onResult?.(result);
  }
}

/**
 * `session: 3 requests, 1,234 prompt tokens (45% cache hits), 321 completion tokens, $0.000456`;
 * `$0 (emulator)` for the local emulator's answers.
 */
export function sessionCostLine(usage: SessionUsage, emulator: boolean): string {
  const share = usage.promptTokens === 0 ? 0 : usage.cachedTokens / usage.promptTokens;
  let cost: string;
  if (emulator) cost = "$0 (emulator)";
  else if (usage.unpricedRequests === 0) cost = formatUsd(usage.costUsd);
  else if (usage.unpricedRequests >= usage.requests) cost = "cost unknown";
  else cost = `${formatUsd(usage.costUsd)} + unknown`;
  return `session: ${formatCount(usage.requests)} ${plural(usage.requests, "request")}, ${formatCount(usage.promptTokens)} prompt tokens (${formatPercent(share)} cache hits, ${formatCount(usage.cachedTokens)} cached), ${formatCount(usage.completionTokens)} completion tokens, ${cost}`;
}
