/**
 * `chat --tools-exec CMD`: answers each tool call the model makes by running CMD through the
 * shell with the call as JSON on stdin (`{"id", "name", "arguments"}`, `arguments` parsed when it
 * is JSON) and sending its stdout back as the tool result. A command that fails (exit status not
 * 0, or cannot start) answers `{"error": "..."}` so the model hears about it instead of the
 * session stopping.
 */
import { spawn } from "node:child_process";
import type { ToolCall } from "kimi-provider";

/** Longest tool output sent back, in characters; beyond it the output is cut and marked. */
const MAX_OUTPUT_CHARS = 100_000;

/** What running the command for one call gave. */
export interface ToolRun {
  /** The tool message content. */
  content: string;
  /** Whether the command succeeded (exit status 0). */
  ok: boolean;
}

function callJson(call: ToolCall): string {
  let args: unknown = call.function.arguments;
  try {
    args = JSON.parse(call.function.arguments);
  } catch {
    // Not JSON: passed on as the string the model produced.
  }
  return JSON.stringify({ id: call.id, name: call.function.name, arguments: args });
}

/** Runs `command` for `call`; aborting `signal` kills it. */
export function runToolCommand(
  command: string,
  call: ToolCall,
  signal: AbortSignal,
): Promise<ToolRun> {
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, stdio: ["pipe", "pipe", "pipe"], signal });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      if (stdout.length < MAX_OUTPUT_CHARS) stdout += chunk;
    });
    child.stderr.on("data", (chunk: string) => {
      if (stderr.length < 2000) stderr += chunk;
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(`${callJson(call)}\n`);
    const fail = (why: string) => resolve({ content: JSON.stringify({ error: why }), ok: false });
    child.on("error", (error) => fail(`the tool command could not run: ${error.message}`));
    child.on("close", (code, killedBy) => {
      if (code === 0) {
        const text =
          stdout.length > MAX_OUTPUT_CHARS
            ? `${stdout.slice(0, MAX_OUTPUT_CHARS)}\n[output cut at ${MAX_OUTPUT_CHARS} characters]`
            : stdout.replace(/\n$/, "");
        resolve({ content: text, ok: true });
        return;
      }
      const status = killedBy === null ? `exit status ${code}` : `signal ${killedBy}`;
      const detail = stderr.trim() === "" ? "" : `: ${stderr.trim().slice(0, 500)}`;
      fail(`the tool command failed (${status})${detail}`);
    });
  });
}
