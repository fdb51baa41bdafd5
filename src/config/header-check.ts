/**
 * Checks of extra request headers, before anything is sent. A header name that is not an HTTP
 * token, or a value with CR, LF or NUL (header injection) or a character outside Latin-1, makes
 * Node's HTTP client throw from inside the request; the transport would then see it as a network
 * failure and retry it. Refusing it up front names the header and the fix instead.
 */

/** RFC 9110 `token`: the characters a header name may use. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Tab, visible ASCII and Latin-1 (what an HTTP/1.1 header value may carry). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * What is wrong with the headers object `headers`, or `undefined` when it is fine: a
 * plain object whose keys are header names and whose values are strings without line breaks.
 */
export function headersProblem(headers: unknown): string | undefined {
  if (headers === null || typeof headers !== "object" || Array.isArray(headers)) {
    return "must be an object of header names to string values";
  }
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) {
      return `the header name ${JSON.stringify(name)} is not a valid HTTP header name (letters, digits and !#$%&'*+.^_\`|~- only)`;
    }
    if (typeof value !== "string") {
      return `the value of header "${name}" must be a string, not ${value === null ? "null" : typeof value}`;
    }
    if (/[\r\n\0]/.test(value)) {
      return `the value of header "${name}" contains a line break or NUL character, which would inject headers`;
    }
    if (!HEADER_VALUE.test(value)) {
      return `the value of header "${name}" contains a character an HTTP header cannot carry (only Latin-1 text is allowed)`;
    }
  }
  return undefined;
}
