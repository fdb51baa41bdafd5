/**
 * A mistake in how the CLI was invoked (unknown flag, missing argument, bad value). Exits with
 * code 2 and a message naming the flag or argument at fault.
 */
export class UsageError extends Error {
  /** The flag, argument or variable at fault, e.g. `--temperature`. */
  readonly subject: string;
  /** The command whose `--help` explains the right usage, e.g. `chat`. */
  readonly command: string | undefined;

  constructor(subject: string, message: string, command?: string) {
    super(message);
    this.name = "UsageError";
    this.subject = subject;
    this.command = command;
  }
}
