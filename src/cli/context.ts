/**
 * What every command receives from `main`: the terminal, the environment, the interrupt signal
 * and the flags given before the command name.
 */
import type { Terminal } from "./terminal.ts";

/** The run-time context of one command. */
export interface CliContext {
  /** Where output goes. */
  readonly terminal: Terminal;
  /** The environment (`KIMI_*`, `NO_COLOR`). */
  readonly env: Record<string, string | undefined>;
  /** Aborted on the first Ctrl-C (SIGINT) or SIGTERM. */
  readonly signal: AbortSignal;
  /** `--verbose` was given before the command name. */
  readonly verbose: boolean;
  /**
   * Routes SIGINT to `handler` instead of aborting {@link CliContext.signal} (an interactive
   * session cancels the answer in progress and keeps going); returns the function that gives
   * SIGINT back. SIGTERM still aborts the signal.
   */
  readonly claimInterrupts?: (handler: () => void) => () => void;
}

/** A command: parses its own arguments, returns the exit code or throws. */
export type Command = (args: readonly string[], context: CliContext) => Promise<number>;
