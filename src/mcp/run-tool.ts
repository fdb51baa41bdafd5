/**
 * The frame around every tool call: runs the work, turns any thrown error into a tool error
 * result, logs one line (key redacted), and registers the call with the session so that
 * closing the server waits for its cleanup (uploaded files deleted).
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { KimiError } from "kimi-provider";
import { redactText } from "kimi-provider/internal";
import type { McpSession } from "./mcp-session.ts";
import { toolFailure } from "./tool-result.ts";

/** Runs one call of tool `name`. Never throws: failures become `isError: true` results. */
export function runTool(
  session: McpSession,
  name: string,
  work: () => Promise<CallToolResult>,
): Promise<CallToolResult> {
  const started = Date.now();
  const task = (async () => {
    try {
      const result = await work();
      session.log(`${name} ok (${Date.now() - started} ms)`);
      return result;
    } catch (error) {
      const code = error instanceof KimiError ? error.code : "unexpected";
      session.log(
        redactText(
          `${name} failed (${code}, ${Date.now() - started} ms): ${error instanceof Error ? error.message : String(error)}`,
          session.secrets,
        ),
      );
      return toolFailure(session, name, error);
    }
  })();
  session.track(task);
  return task;
}
