/**
 * Prints a chat answer as it arrives: text to stdout, a thinking model's reasoning to stderr
 * (dimmed on a terminal, or hidden), requested tool calls to stdout. Keeps track of line ends so
 * the stdout answer always ends with a newline and the reasoning block is set apart.
 */
import type { ToolCall } from "kimi-provider";
import type { Terminal } from "./terminal.ts";

/** Settings of an {@link AnswerPrinter}. */
export interface AnswerPrinterOptions {
  /** Do not print reasoning. */
  hideReasoning: boolean;
}

/** Writes one answer's pieces to the terminal in arrival order. */
export class AnswerPrinter {
  readonly #terminal: Terminal;
  readonly #hideReasoning: boolean;
  #reasoningOpen = false;
  #reasoningEndsLine = true;
  #stdoutEndsLine = true;
  #printedText = false;

  constructor(terminal: Terminal, options: AnswerPrinterOptions) {
    this.#terminal = terminal;
    this.#hideReasoning = options.hideReasoning;
  }

  /** A piece of reasoning (stderr). */
  reasoning(text: string): void {
    if (this.#hideReasoning || text === "") return;
    this.#reasoningOpen = true;
    this.#terminal.err(this.#terminal.dim(text));
    this.#reasoningEndsLine = text.endsWith("\n");
  }

  /** A piece of the answer (stdout). */
  text(text: string): void {
    if (text === "") return;
    this.#closeReasoning();
    this.#terminal.out(text);
    this.#printedText = true;
    this.#stdoutEndsLine = text.endsWith("\n");
  }

  /** A complete tool call the model requested (stdout, one line). */
  toolCall(call: ToolCall): void {
    this.#closeReasoning();
    this.#endLine();
    this.#terminal.out(
      `[tool call ${call.id}] ${call.function.name}(${call.function.arguments})\n`,
    );
    this.#printedText = true;
  }

  /** Ends the answer: closes the reasoning block and the last stdout line. */
  finish(): void {
    this.#closeReasoning();
    this.#endLine();
  }

  /** Whether any answer text or tool call was printed. */
  get printedAnything(): boolean {
    return this.#printedText;
  }

  #endLine(): void {
    if (!this.#stdoutEndsLine) {
      this.#terminal.out("\n");
      this.#stdoutEndsLine = true;
    }
  }

  #closeReasoning(): void {
    if (!this.#reasoningOpen) return;
    this.#reasoningOpen = false;
    // A blank line between the reasoning and the answer when both share a terminal.
    this.#terminal.err(this.#reasoningEndsLine ? "\n" : "\n\n");
  }
}
