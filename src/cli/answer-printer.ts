/**
 * Prints a chat answer as it arrives: text to stdout, a thinking model's reasoning to stderr
 * (dimmed on a terminal, labelled in a session, folded to one line, or hidden), requested tool
 * calls to stdout. Keeps track of line ends so the stdout answer always ends with a newline and
 * the reasoning block is set apart.
 */
import type { ToolCall } from "kimi-provider";
import { formatCount, plural } from "./format.ts";
import type { Terminal } from "./terminal.ts";

/**
 * How reasoning is shown: `show` (as it arrives), `fold` (one line saying how much there was),
 * `hide` (nothing).
 */
export type ReasoningDisplay = "show" | "fold" | "hide";

/** Settings of an {@link AnswerPrinter}. */
export interface AnswerPrinterOptions {
  /** How to show reasoning. */
  reasoning: ReasoningDisplay;
  /** Start the reasoning block with a `thinking:` label (interactive sessions). */
  label?: boolean;
  /** Called before the first piece of output (to clear a waiting indicator). */
  onFirstOutput?: () => void;
}

/** Writes one answer's pieces to the terminal in arrival order. */
export class AnswerPrinter {
  readonly #terminal: Terminal;
  readonly #reasoning: ReasoningDisplay;
  readonly #label: boolean;
  #onFirstOutput: (() => void) | undefined;
  #reasoningOpen = false;
  #reasoningEndsLine = true;
  #reasoningChars = 0;
  #stdoutEndsLine = true;
  #printedText = false;

  constructor(terminal: Terminal, options: AnswerPrinterOptions) {
    this.#terminal = terminal;
    this.#reasoning = options.reasoning;
    this.#label = options.label === true;
    this.#onFirstOutput = options.onFirstOutput;
  }

  /** A piece of reasoning (stderr). */
  reasoning(text: string): void {
    if (text === "") return;
    this.#first();
    if (this.#reasoning === "hide") return;
    if (!this.#reasoningOpen) {
      this.#reasoningOpen = true;
      this.#reasoningChars = 0;
      if (this.#reasoning === "fold") this.#terminal.err(this.#terminal.dim("thinking…"));
      else if (this.#label) this.#terminal.err(this.#terminal.dim("thinking: "));
    }
    this.#reasoningChars += text.length;
    if (this.#reasoning === "fold") return;
    this.#terminal.err(this.#terminal.dim(text));
    this.#reasoningEndsLine = text.endsWith("\n");
  }

  /** A piece of the answer (stdout). */
  text(text: string): void {
    if (text === "") return;
    this.#first();
    this.#closeReasoning();
    this.#terminal.out(text);
    this.#printedText = true;
    this.#stdoutEndsLine = text.endsWith("\n");
  }

  /** A complete tool call the model requested (stdout, one line). */
  toolCall(call: ToolCall): void {
    this.#first();
    this.#closeReasoning();
    this.#endLine();
    this.#terminal.out(
      `[tool call ${call.id}] ${call.function.name}(${call.function.arguments})\n`,
    );
    this.#printedText = true;
  }

  /** Ends the answer: closes the reasoning block and the last stdout line. */
  finish(): void {
    this.#first();
    this.#closeReasoning();
    this.#endLine();
  }

  /** Whether any answer text or tool call was printed. */
  get printedAnything(): boolean {
    return this.#printedText;
  }

  #first(): void {
    const callback = this.#onFirstOutput;
    this.#onFirstOutput = undefined;
    callback?.();
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
    if (this.#reasoning === "fold") {
      const chars = this.#reasoningChars;
      this.#terminal.err(
        this.#terminal.dim(
          ` (${formatCount(chars)} ${plural(chars, "character")} folded; /reasoning on shows it)\n`,
        ),
      );
      return;
    }
    // A blank line between the reasoning and the answer when both share a terminal.
    this.#terminal.err(this.#reasoningEndsLine ? "\n" : "\n\n");
  }
}
