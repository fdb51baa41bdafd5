/**
 * `--verbose`: prints the transport's redacted traffic records on stderr. The transport already
 * masks `Authorization` and the key; every line is redacted again here so that no path can leak
 * the key to the terminal.
 */

import type { DebugEvent } from "kimi-provider";
import { redactText } from "kimi-provider/internal";
import type { Terminal } from "./terminal.ts";

/** Longest request body shown in full; longer ones are cut (file contents can be large). */
const MAX_BODY_CHARS = 4_000;

/** A `debug` hook that writes `> request` / `< response` / `! retry` lines to stderr. */
export function verboseLogger(
  terminal: Terminal,
  secrets: readonly (string | undefined)[],
): (event: DebugEvent) => void {
  const write = (line: string) => terminal.err(`${terminal.dim(redactText(line, secrets))}\n`);
  return (event) => {
    if (event.type === "request") {
      write(`> ${event.method} ${event.url}`);
      for (const [name, value] of Object.entries(event.headers)) write(`> ${name}: ${value}`);
      if (event.body !== undefined) {
        const body =
          event.body.length > MAX_BODY_CHARS
            ? `${event.body.slice(0, MAX_BODY_CHARS)}... (${event.body.length} characters)`
            : event.body;
        write(`> ${body}`);
      }
    } else if (event.type === "response") {
      write(`< ${event.status} ${event.method} ${event.url} (${event.durationMs} ms)`);
    } else {
      const { attempt, maxRetries, delayMs, error } = event.event;
      write(
        `! retry ${attempt}/${maxRetries} in ${delayMs} ms after ${error.name}: ${error.message}`,
      );
    }
  };
}
