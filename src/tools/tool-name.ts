/**
 * The function-name rule Moonshot applies to declared tools (reference §2.4), checked when a tool
 * is defined so a bad name fails at startup instead of as a 400 in the middle of a conversation.
 */
import { InvalidRequestError } from "../errors/error-classes.ts";

/** Moonshot's function-name pattern: 3 to 64 characters, letter or `_` first (reference §2.4). */
export const TOOL_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9-_]{2,63}$/;

/**
 * Throws {@link InvalidRequestError} unless `name` is a valid Moonshot function name.
 * Names starting with `$` are reserved for builtins such as `$web_search` (reference §2.5).
 */
export function assertToolName(name: string): void {
  if (name.startsWith("$")) {
    throw new InvalidRequestError(
      `Tool name "${name}" starts with "$", which Moonshot reserves for builtin tools. Use the \`webSearch\` option for $web_search, or rename the tool.`,
    );
  }
  if (!TOOL_NAME_PATTERN.test(name)) {
    throw new InvalidRequestError(
      `Tool name "${name}" is not accepted by Moonshot: it must match ${TOOL_NAME_PATTERN.source} (3-64 letters, digits, "_" or "-", not starting with a digit or "-"). Rename the tool.`,
    );
  }
}
