/**
 * How every tool of the MCP server answers. Success: text content (for the model reading it)
 * and `structuredContent` (for programs), both marked when the answer came from the local
 * emulator instead of Kimi. Failure: an MCP tool error (`isError: true`) whose text is our
 * error message with its code, never a protocol failure, and never the API key.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { KimiError } from "kimi-provider";
import { redactText } from "kimi-provider/internal";

/** The line in front of every result when answers come from the local emulator. */
export const DEMO_NOTICE =
  "[DEMO] No KIMI_API_KEY is set: this result comes from kimi-provider's local Moonshot emulator, not from Kimi. Its answers are placeholders and its costs are what Kimi would charge. Set KIMI_API_KEY for real answers.";

/** What a tool result needs to know about its session. */
export interface ResultContext {
  /** Answers come from the local emulator. */
  readonly demo: boolean;
  /** Strings to remove from anything returned (the API key). */
  readonly secrets: readonly string[];
}

/** A successful result: `texts` as text content, `structured` as structured content. */
export function toolSuccess(
  context: ResultContext,
  texts: readonly string[],
  structured: Record<string, unknown>,
): CallToolResult {
  const content = [
    ...(context.demo ? [DEMO_NOTICE] : []),
    ...texts.filter((text) => text !== ""),
  ].map((text) => ({ type: "text" as const, text: redactText(text, context.secrets) }));
  const structuredContent = JSON.parse(
    redactText(JSON.stringify({ demo: context.demo, ...structured }), context.secrets),
  ) as Record<string, unknown>;
  return { content, structuredContent };
}

/** The message of an error as a tool reports it: what happened, what to do, and its code. */
export function describeToolError(error: unknown): string {
  if (error instanceof KimiError) {
    const details = [error.code, error.status === undefined ? undefined : `HTTP ${error.status}`]
      .filter((part) => part !== undefined)
      .join(", ");
    const request = error.requestId ? ` [request id ${error.requestId}]` : "";
    return `${error.name} (${details}): ${error.message}${request}`;
  }
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** A tool error result (`isError: true`) for `error`, raised by `tool`. */
export function toolFailure(context: ResultContext, tool: string, error: unknown): CallToolResult {
  const text = redactText(`${tool} failed: ${describeToolError(error)}`, context.secrets);
  return {
    content: [
      ...(context.demo ? [{ type: "text" as const, text: DEMO_NOTICE }] : []),
      { type: "text" as const, text },
    ],
    isError: true,
  };
}
