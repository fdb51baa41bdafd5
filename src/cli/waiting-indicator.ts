/**
 * The "waiting for the model" line shown on a terminal between sending a turn and its first
 * token, then erased. Only on a TTY: on a pipe it would be noise in a log.
 */
import type { Terminal } from "./terminal.ts";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** A started indicator; {@link WaitingIndicator.stop} erases it (idempotent). */
export interface WaitingIndicator {
  stop(): void;
}

/** Shows `waiting for MODEL` on stderr until stopped, when stderr is a terminal. */
export function startWaitingIndicator(terminal: Terminal, model: string): WaitingIndicator {
  if (!terminal.stderrIsTTY) return { stop: () => undefined };
  let frame = 0;
  const draw = () => {
    terminal.err(`\r${terminal.dim(`${FRAMES[frame % FRAMES.length]} waiting for ${model}`)}`);
    frame += 1;
  };
  draw();
  const timer = setInterval(draw, 100);
  let stopped = false;
  return {
    stop: () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      // Back to the line start and erase it (ANSI EL), so the answer starts in column 1.
      terminal.err("\r\u001b[2K");
    },
  };
}
