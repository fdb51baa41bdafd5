/**
 * Executes one tool call the model requested and turns every outcome, good or bad, into the
 * `tool` message that answers it. Invalid arguments, unknown tools and thrown errors become
 * error results the model can read and correct; they never crash the loop.
 */
import type { ToolCall, ToolMessage } from "../chat/types.ts";
import { isWebSearchCall, webSearchToolMessage } from "../chat/web-search.ts";
import { AbortError, ToolArgumentsError } from "../errors/error-classes.ts";
import type { KimiTool, ToolExecutionContext } from "./define-tool.ts";
import { serializeToolOutput, toolMessageFor } from "./tool-messages.ts";
import { validateWithSchema } from "./tool-schema.ts";

/** How a call ended. */
export type ToolCallStatus =
  | "success"
  | "invalid-arguments"
  | "unknown-tool"
  | "execution-error"
  | "web-search";

/** The result of one call: the message sent back and what happened. */
export interface ToolCallOutcome {
  toolCall: ToolCall;
  /** The `tool` message appended to the history. */
  message: ToolMessage;
  status: ToolCallStatus;
  /** True when the content reports a failure to the model. */
  isError: boolean;
  /** What `execute` returned (status `success`). */
  output?: unknown;
  /** The failure (invalid arguments, unknown tool, or what `execute` threw). */
  error?: Error;
}

/**
 * Parses a tool call's `arguments` string. An empty string counts as `{}` because models send
 * it for parameterless functions. Throws {@link ToolArgumentsError} on malformed JSON, with a
 * message written for the model (it is sent back as the tool result).
 */
function parseArgumentsJson(call: ToolCall): unknown {
  const raw = call.function.arguments;
  if (raw.trim() === "") return {};
  try {
    return JSON.parse(raw);
  } catch (cause) {
    throw new ToolArgumentsError(
      `The arguments of tool "${call.function.name}" are not valid JSON (${(cause as Error).message}). Send a JSON object that matches the tool's parameters schema.`,
      { toolName: call.function.name, rawArguments: raw },
    );
  }
}

/**
 * Runs `call` against `tools` and returns the outcome. Throws only when `context.signal` was
 * aborted while the tool ran.
 */
export async function executeToolCall(
  call: ToolCall,
  tools: ReadonlyMap<string, KimiTool>,
  context: ToolExecutionContext,
): Promise<ToolCallOutcome> {
  if (isWebSearchCall(call)) {
    return {
      toolCall: call,
      message: webSearchToolMessage(call),
      status: "web-search",
      isError: false,
    };
  }
  const tool = tools.get(call.function.name);
  if (tool === undefined) {
    const known = [...tools.keys()].join(", ") || "none";
    const error = new ToolArgumentsError(
      `There is no tool named "${call.function.name}". Available tools: ${known}.`,
      { toolName: call.function.name, rawArguments: call.function.arguments },
    );
    return failure(call, "unknown-tool", error);
  }

  let args: unknown;
  try {
    const parsed = parseArgumentsJson(call);
    const checked = validateWithSchema(tool.validator, parsed);
    if (!checked.success) {
      throw new ToolArgumentsError(
        `The arguments of tool "${call.function.name}" do not match its schema: ${checked.problems.join("; ")}. Call the tool again with corrected arguments.`,
        { toolName: call.function.name, rawArguments: call.function.arguments },
      );
    }
    args = checked.value;
  } catch (error) {
    return failure(call, "invalid-arguments", asError(error));
  }

  try {
    const output = await tool.execute(args, context);
    return {
      toolCall: call,
      message: toolMessageFor(call, serializeToolOutput(output)),
      status: "success",
      isError: false,
      output,
    };
  } catch (error) {
    // A cancelled loop must stop, not report the abort to the model as a tool failure.
    if (context.signal.aborted) {
      throw new AbortError("The tool run was aborted by the caller.", { cause: error });
    }
    return failure(call, "execution-error", asError(error));
  }
}

function failure(call: ToolCall, status: ToolCallStatus, error: Error): ToolCallOutcome {
  // Moonshot's tool message has no error flag: the content says it, in a shape models read well.
  const content = JSON.stringify({
    error:
      status === "execution-error"
        ? `Tool "${call.function.name}" failed: ${error.message}`
        : error.message,
  });
  return { toolCall: call, message: toolMessageFor(call, content), status, isError: true, error };
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
