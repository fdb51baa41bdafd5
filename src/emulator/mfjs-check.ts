/**
 * The service's check of `response_format.json_schema.schema` against Moonshot Flavored JSON
 * Schema (docs/moonshot-wire.md "Tools"): the root is an object, `items` is an object (tuples use
 * `prefixItems`), `type` sits inside `anyOf` branches rather than beside them, and nested schemas
 * say their type. Only the `items` problem's wording is recorded
 * (`At path 'properties.pair.items': items must be an object`); the others follow its pattern.
 */

/** The first MFJS violation found: where (dotted path from the root) and what. */
export interface MfjsViolation {
  /** Dotted path of the offending keyword, e.g. `properties.pair.items` (`""` for the root). */
  path: string;
  /** What is wrong, e.g. `items must be an object`. */
  problem: string;
}

type Schema = Record<string, unknown>;

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const LIST_SLOTS = ["anyOf", "oneOf", "allOf", "prefixItems"] as const;
const MAP_SLOTS = ["properties", "patternProperties", "$defs", "definitions"] as const;
/** Keywords that stand for a type of their own. */
const TYPED_BY = ["type", "anyOf", "oneOf", "allOf", "$ref", "enum", "const", "not"] as const;

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function check(node: Schema, path: string, nested: boolean): MfjsViolation | undefined {
  if (nested && !TYPED_BY.some((key) => key in node)) return { path, problem: "type is required" };
  if ("items" in node && !isSchema(node.items)) {
    return { path: join(path, "items"), problem: "items must be an object" };
  }
  if ("type" in node && Array.isArray(node.anyOf)) {
    return { path: join(path, "type"), problem: "type must be set inside anyOf, not beside it" };
  }
  for (const slot of LIST_SLOTS) {
    const list = node[slot];
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      if (!isSchema(item)) continue;
      const found = check(item, join(path, `${slot}.${i}`), true);
      if (found) return found;
    }
  }
  for (const slot of MAP_SLOTS) {
    const map = node[slot];
    if (!isSchema(map)) continue;
    for (const [name, item] of Object.entries(map)) {
      if (!isSchema(item)) continue;
      const found = check(item, join(path, `${slot}.${name}`), true);
      if (found) return found;
    }
  }
  for (const slot of ["items", "additionalProperties"] as const) {
    const item = node[slot];
    if (isSchema(item)) {
      const found = check(item, join(path, slot), true);
      if (found) return found;
    }
  }
  return undefined;
}

/** The first MFJS violation of a response schema, or `undefined` when it is valid. */
export function mfjsViolation(schema: Schema): MfjsViolation | undefined {
  if (schema.type !== "object") return { path: "", problem: "the root must be an object" };
  return check(schema, "", false);
}
