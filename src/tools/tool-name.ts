/**
 * The function-name rule Moonshot applies to declared tools (docs/moonshot-wire.md, "Tools"), checked when a tool
 * is defined so a bad name fails at startup instead of as a 400 in the middle of a conversation.
 */
import { InvalidRequestError } from "../errors/error-classes.ts";
import { TOOL_NAME_PATTERN } from "../models/policy/tool-rules.ts";

/**
 * Throws {@link InvalidRequestError} unless `name` is a valid Moonshot function name.
 * Names starting with `$` are reserved for builtins such as `$web_search` (docs/moonshot-wire.md, "Tools").
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
