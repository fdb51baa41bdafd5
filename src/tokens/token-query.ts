/**
 * The argument of `kimi.tokens.estimate/count/checkContext`, checked where it enters: a string or
 * a bare message array is a common slip, and would otherwise surface as a raw `TypeError` from
 * deep inside the estimator.
 */
import { typeName } from "../config/type-name.ts";
import { InvalidRequestError } from "../errors/error-classes.ts";

/** Throws {@link InvalidRequestError} unless `query` is an object with a `messages` array. */
export function checkTokenQuery(query: unknown, method: string): void {
  if (query !== null && typeof query === "object" && !Array.isArray(query)) {
    const { messages, tools } = query as { messages?: unknown; tools?: unknown };
    if (!Array.isArray(messages)) {
      throw new InvalidRequestError(
        `kimi.tokens.${method}() needs \`messages\`, an array of chat messages (got ${messages === undefined ? "none" : typeName(messages)}). Pass e.g. { messages: [{ role: "user", content: "text" }] }.`,
      );
    }
    if (tools !== undefined && !Array.isArray(tools)) {
      throw new InvalidRequestError(
        `kimi.tokens.${method}() takes \`tools\` as an array of tool declarations (got ${typeName(tools)}). Remove it or pass an array.`,
      );
    }
    return;
  }
  throw new InvalidRequestError(
    `kimi.tokens.${method}() takes an object { messages, tools?, model? }, not ${typeName(query)}. Pass e.g. { messages: [{ role: "user", content: "text" }] }.`,
  );
}
