/**
 * Where the CLI writes, and whether each stream is a terminal (dimmed reasoning, summary line)
 * or a pipe (plain text for scripts).
 */

/** The output side of the CLI. */
export interface Terminal {
  /** stdout is a terminal. */
  readonly stdoutIsTTY: boolean;
  /** stderr is a terminal. */
  readonly stderrIsTTY: boolean;
  /** ANSI styling is allowed on stderr (a terminal, and neither NO_COLOR nor TERM=dumb). */
  readonly color: boolean;
  /** Writes to stdout as is. */
  out(text: string): void;
  /** Writes to stderr as is. */
  err(text: string): void;
  /** `text` dimmed when styling is allowed. */
  dim(text: string): string;
}

/**
 * A writer to `stream` that goes quiet once the reader has gone: when the other end of a pipe is
 * closed (`kimi-provider chat ... | head -c 1`), the write fails with EPIPE, which would otherwise
 * be an uncaught error event that kills the process before the usage ledger is written. The
 * output is then simply dropped; the command finishes its work (recording usage, deleting
 * uploaded files) and exits with its normal code.
 */
function quietWriter(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on("error", () => {
    // EPIPE (reader gone) or any other failure of the output: nothing more can be written.
    closed = true;
  });
  return (text) => {
    if (closed || stream.destroyed) return;
    try {
      stream.write(text);
    } catch {
      closed = true;
    }
  };
}

/** The process's own terminal, honouring the `NO_COLOR` convention (https://no-color.org). */
export function processTerminal(env: Record<string, string | undefined> = process.env): Terminal {
  const stdoutIsTTY = process.stdout.isTTY === true;
  const stderrIsTTY = process.stderr.isTTY === true;
  const color =
    stderrIsTTY && (env.NO_COLOR === undefined || env.NO_COLOR === "") && env.TERM !== "dumb";
  return {
    stdoutIsTTY,
    stderrIsTTY,
    color,
    out: quietWriter(process.stdout),
    err: quietWriter(process.stderr),
    dim: (text) => (color && text !== "" ? `\u001b[2m${text}\u001b[22m` : text),
  };
}

/** Prints `value` as the one JSON document of a `--json` command (2-space indent, newline). */
export function printJson(terminal: Terminal, value: unknown): void {
  terminal.out(`${JSON.stringify(value, null, 2)}\n`);
}
