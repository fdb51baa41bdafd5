/**
 * The interactive `kimi-provider chat` loop: reads lines (with history and line editing on a
 * terminal, through node:readline), sends each as a turn, runs slash commands, and handles
 * Ctrl-C (cancels the answer in progress; at the prompt, twice leaves) and Ctrl-D (leaves).
 *
 * On a pipe every line is one turn, so scripts and tests drive a session the same way; there is
 * no prompt, and a SIGINT cancels the answer in progress or, between turns, ends the session.
 */
import { createInterface } from "node:readline";
import { AbortError } from "kimi-provider";
import { summaryLine } from "./chat-report.ts";
import type { ChatSession } from "./chat-session.ts";
import type { CliContext } from "./context.ts";
import { EXIT } from "./exit-codes.ts";
import { describeFailure } from "./failure.ts";
import { isSlashCommand, runSlashCommand } from "./slash-commands.ts";

/** Marks the start and end of a multi-line message. */
const BLOCK = '"""';

/** How the loop is set up. */
export interface InteractiveOptions {
  /** Strings to redact from error messages. */
  secrets: readonly string[];
  /** A first message to send before reading input (`chat -i PROMPT`). */
  firstMessage?: string;
  /** Answers come from the local emulator (the summary says `$0 (emulator)`). */
  emulator: boolean;
}

/** Runs the session until Ctrl-D, `/exit`, a second Ctrl-C at the prompt, or the end of stdin. */
export async function runInteractive(
  session: ChatSession,
  context: CliContext,
  options: InteractiveOptions,
): Promise<number> {
  const { terminal } = context;
  const tty = process.stdin.isTTY === true && terminal.stdoutIsTTY;
  const rl = tty
    ? createInterface({
        input: process.stdin,
        output: process.stdout,
        terminal: true,
        historySize: 1000,
        prompt: "> ",
      })
    : createInterface({ input: process.stdin, terminal: false });

  const queue: string[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  rl.on("line", (line) => {
    queue.push(line);
    wake?.();
  });
  rl.on("close", () => {
    closed = true;
    wake?.();
  });

  let turn: AbortController | undefined;
  let interruptedAtPrompt = false;
  let leaving = false;
  const leave = () => {
    leaving = true;
    rl.close();
  };
  const onInterrupt = () => {
    if (turn !== undefined) {
      turn.abort();
      return;
    }
    if (!tty || interruptedAtPrompt) {
      leave();
      return;
    }
    if (rl.line !== "") {
      // Ctrl-C on a half-typed line discards the line, as shells do.
      rl.write(null, { ctrl: true, name: "u" });
      return;
    }
    interruptedAtPrompt = true;
    terminal.err("\n(press Ctrl-C again or Ctrl-D to leave)\n");
    rl.prompt();
  };
  if (tty) rl.on("SIGINT", onInterrupt);
  const releaseInterrupts = context.claimInterrupts?.(onInterrupt);
  // SIGTERM (or a SIGINT main still handles) ends the session.
  const onAbort = () => {
    turn?.abort();
    leave();
  };
  context.signal.addEventListener("abort", onAbort, { once: true });

  const nextLine = async (): Promise<string | undefined> => {
    while (queue.length === 0) {
      if (closed) return undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
    return queue.shift();
  };
  /** The next message: one line, a `"""` block, or (on a terminal) lines pasted at once. */
  const nextInput = async (): Promise<string | undefined> => {
    const first = await nextLine();
    if (first === undefined) return undefined;
    if (
      first.trim() === BLOCK ||
      (first.trimStart().startsWith(BLOCK) && !first.trim().endsWith(BLOCK))
    ) {
      const lines = [first.trimStart().slice(BLOCK.length)].filter((line) => line !== "");
      if (tty) rl.setPrompt("... ");
      for (;;) {
        if (tty && queue.length === 0) rl.prompt();
        const line = await nextLine();
        if (line === undefined) break;
        if (line.trimEnd().endsWith(BLOCK)) {
          const last = line.trimEnd().slice(0, -BLOCK.length);
          if (last !== "") lines.push(last);
          break;
        }
        lines.push(line);
      }
      if (tty) rl.setPrompt("> ");
      return lines.join("\n");
    }
    // A paste arrives as several lines in one read: on a terminal they are one message.
    if (tty && queue.length > 0 && !isSlashCommand(first)) {
      return [first, ...queue.splice(0)].join("\n");
    }
    return first;
  };

  const send = async (text: string) => {
    turn = new AbortController();
    try {
      const result = await session.turn(text, turn.signal);
      if (terminal.stderrIsTTY) {
        terminal.err(`${terminal.dim(summaryLine(result, { emulator: options.emulator }))}\n`);
      }
    } catch (error) {
      if (turn.signal.aborted || error instanceof AbortError) {
        terminal.err("(cancelled; this question and its partial answer are not kept)\n");
      } else {
        terminal.err(describeFailure(error, options.secrets));
      }
    } finally {
      turn = undefined;
    }
  };

  if (tty) {
    terminal.err(
      terminal.dim(
        `session ${session.stored.name}, model ${session.model}${session.turns > 0 ? `, ${session.turns} earlier turns` : ""}. /help for commands, Ctrl-D to leave.\n`,
      ),
    );
  }
  try {
    if (options.firstMessage !== undefined) await send(options.firstMessage);
    while (!leaving) {
      if (tty) rl.prompt();
      const input = await nextInput();
      if (input === undefined) break;
      interruptedAtPrompt = false;
      if (input.trim() === "") continue;
      if (isSlashCommand(input)) {
        turn = new AbortController();
        let outcome: Awaited<ReturnType<typeof runSlashCommand>> = { kind: "continue" };
        try {
          outcome = await runSlashCommand(input, session, terminal, turn.signal);
        } catch (error) {
          if (turn.signal.aborted) terminal.err("(cancelled)\n");
          else terminal.err(describeFailure(error, options.secrets));
        } finally {
          turn = undefined;
        }
        if (outcome.kind === "leave") break;
        if (outcome.kind === "send") await send(outcome.text);
        continue;
      }
      await send(input);
    }
  } finally {
    context.signal.removeEventListener("abort", onAbort);
    releaseInterrupts?.();
    rl.close();
  }
  if (tty) {
    terminal.err(
      terminal.dim(
        `\nsession ${session.stored.name} saved; resume with \`kimi-provider chat --continue\` or \`--session ${session.stored.name}\`\n`,
      ),
    );
  }
  return context.signal.aborted ? EXIT.interrupted : EXIT.ok;
}
