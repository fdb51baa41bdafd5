/**
 * Drives the built CLI through a real pseudo-terminal: util-linux `script` runs it on a pty whose
 * input is what the test writes to `script`'s stdin (keys: `\r` is Enter, `\x03` Ctrl-C, `\x04`
 * Ctrl-D) and whose output (stdout and stderr of the CLI, with the terminal's echo) the test
 * reads from `script`'s stdout.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { CLI, ensureBuilt } from "./run-cli.ts";

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** A CLI process on a pseudo-terminal. */
export class PtySession {
  readonly #child: ChildProcess;
  #output = "";
  #waiters: (() => void)[] = [];
  readonly exited: Promise<number | null>;

  constructor(args: readonly string[], env: Record<string, string>) {
    ensureBuilt();
    const command = [process.execPath, CLI, ...args].map(shellQuote).join(" ");
    this.#child = spawn("script", ["-qec", command, "/dev/null"], {
      env: { PATH: process.env.PATH ?? "", TERM: "xterm", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.#child.stdout?.setEncoding("utf8");
    this.#child.stdout?.on("data", (chunk: string) => {
      this.#output += chunk;
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.#child.stdin?.on("error", () => undefined);
    this.exited = new Promise((resolve) => {
      this.#child.on("close", (code) => {
        for (const wake of this.#waiters.splice(0)) wake();
        resolve(code);
      });
    });
  }

  /** Everything the terminal showed so far. */
  get output(): string {
    return this.#output;
  }

  /** Types `keys`. */
  type(keys: string): void {
    this.#child.stdin?.write(keys);
  }

  /**
   * Resolves once `pattern` (global) matches the output at least `count` times; rejects with the
   * output so far when the process exits first.
   */
  async waitFor(pattern: RegExp, count = 1): Promise<void> {
    const global = new RegExp(
      pattern.source,
      pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`,
    );
    for (;;) {
      if ((this.#output.match(global)?.length ?? 0) >= count) return;
      if (this.#child.exitCode !== null || this.#child.signalCode !== null) {
        throw new Error(
          `exited before ${count}× ${pattern}; output: ${JSON.stringify(this.#output)}`,
        );
      }
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Closes `script`'s stdin (after the CLI has left) and waits for the exit code. */
  async finish(): Promise<number | null> {
    const code = await this.exited;
    this.#child.stdin?.end();
    return code;
  }

  /** Kills the process (cleanup after a failed test). */
  kill(): void {
    this.#child.kill("SIGKILL");
  }
}

/** The output without ANSI escapes and carriage returns. */
export function plainText(output: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC.
  return output.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");
}
