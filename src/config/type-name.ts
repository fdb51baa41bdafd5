/** How a value of the wrong type is named in configuration messages. */

/** `typeof` for messages, with `null` and arrays told apart: "a number", "null", "an array". */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const type = typeof value;
  return type === "object" ? "an object" : `a ${type}`;
}
