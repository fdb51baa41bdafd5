/**
 * Conversion of an ordinary JSON Schema (as produced by `z.toJSONSchema` or written by hand) to
 * the dialect Moonshot's validator accepts, "MFJS" (docs/moonshot-wire.md, "Structured output" and "Tools"). The service rejects
 * with a 400, before generating anything: a root that is not an object, `type` next to `anyOf`,
 * tuple-style `items` arrays, and nested properties without a `type`. Vercel's provider also
 * strips the top-level `$schema` because kimi-k2.5 produced nonsense with it (docs/moonshot-wire.md, "Structured output").
 */
import { InvalidRequestError } from "../errors/error-classes.ts";

/** A JSON Schema document as a plain object. */
export type JsonSchema = { [key: string]: unknown };

type JsonType = "string" | "number" | "integer" | "boolean" | "object" | "array" | "null";

const ARRAY_SLOTS = ["anyOf", "oneOf", "allOf", "prefixItems"] as const;
const MAP_SLOTS = ["properties", "patternProperties", "$defs", "definitions"] as const;
const SINGLE_SLOTS = ["additionalProperties", "items", "contains", "not", "propertyNames"] as const;
const COMBINATORS = ["anyOf", "oneOf", "allOf", "$ref", "not"] as const;
/** Keywords that describe the value as a whole and stay on the parent when `type` is split. */
const ANNOTATIONS = new Set(["title", "description", "default", "examples", "deprecated"]);

const OBJECT_HINTS = ["properties", "required", "additionalProperties", "patternProperties"];
const ARRAY_HINTS = ["items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains"];
const STRING_HINTS = ["minLength", "maxLength", "pattern", "format"];
const NUMBER_HINTS = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];

/** True for a non-null, non-array object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Returns a new schema in Moonshot's MFJS dialect; the input is not modified.
 * Throws {@link InvalidRequestError} when the root is not an object schema (Moonshot requires
 * `parameters` and `json_schema.schema` roots of type `object`).
 */
export function toMfjsSchema(schema: JsonSchema): JsonSchema {
  const inlined = inlineLocalRefs(schema, schema, new Set());
  if (!isRecord(inlined) || inlined.type !== "object") {
    throw new InvalidRequestError(
      `A tool or response schema must have an object root ({"type":"object", ...}); got ${JSON.stringify(
        isRecord(inlined) ? (inlined.type ?? "no type") : typeof inlined,
      )}. Wrap the value in an object property.`,
    );
  }
  const { $schema: _dropped, ...root } = inlined;
  const result = normalize(root, false);
  // Inlined definitions are no longer referenced unless a recursive $ref was left in place.
  if (!JSON.stringify(result).includes('"$ref"')) {
    delete result.$defs;
    delete result.definitions;
  }
  return result;
}

function normalize(input: JsonSchema, nested: boolean): JsonSchema {
  let node: JsonSchema = { ...input };

  // Tuples: draft-7 `items: [...]` becomes `prefixItems`; zod's `items: false` next to
  // `prefixItems` is dropped because the validator wants `items` to be an object (docs/moonshot-wire.md, "Tools").
  if (Array.isArray(node.items)) {
    node.prefixItems = [
      ...(Array.isArray(node.prefixItems) ? node.prefixItems : []),
      ...node.items,
    ];
    delete node.items;
  } else if (typeof node.items === "boolean" && Array.isArray(node.prefixItems)) {
    delete node.items;
  }

  // `type: ["string", "null"]` (zod's nullable) is expressed as anyOf branches, since the
  // validator wants the type inside anyOf items rather than beside them.
  if (Array.isArray(node.type)) {
    const types = node.type.filter((t): t is string => typeof t === "string");
    if (types.length === 1) {
      node.type = types[0];
    } else if (types.length > 1) {
      node = splitTypeIntoAnyOf(node, types);
    }
  }

  // `type` beside `anyOf`: move it into the branches that lack one (docs/moonshot-wire.md, "Tools").
  if (typeof node.type === "string" && Array.isArray(node.anyOf)) {
    const parentType = node.type;
    delete node.type;
    node.anyOf = node.anyOf.map((branch) =>
      isRecord(branch) && branch.type === undefined ? { type: parentType, ...branch } : branch,
    );
  }

  if (nested && node.type === undefined && !COMBINATORS.some((key) => key in node)) {
    node.type = inferType(node);
  }

  for (const key of ARRAY_SLOTS) {
    const value = node[key];
    if (Array.isArray(value)) {
      node[key] = value.map((item) => (isRecord(item) ? normalize(item, true) : item));
    }
  }
  for (const key of MAP_SLOTS) {
    const value = node[key];
    if (isRecord(value)) {
      node[key] = Object.fromEntries(
        Object.entries(value).map(([name, item]) => [
          name,
          isRecord(item) ? normalize(item, true) : item,
        ]),
      );
    }
  }
  for (const key of SINGLE_SLOTS) {
    const value = node[key];
    if (isRecord(value)) {
      node[key] = normalize(value, key !== "not");
    }
  }
  return node;
}

function splitTypeIntoAnyOf(node: JsonSchema, types: string[]): JsonSchema {
  const parent: JsonSchema = {};
  const shared: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "type") continue;
    if (ANNOTATIONS.has(key)) parent[key] = value;
    else shared[key] = value;
  }
  // Keywords for other types are ignored by JSON Schema for a non-matching type, but the
  // MFJS validator is stricter than the spec: only the branch they belong to keeps them.
  parent.anyOf = types.map((type) => ({ type, ...keywordsFor(type, shared) }));
  return parent;
}

function keywordsFor(type: string, shared: JsonSchema): JsonSchema {
  const hints: Record<string, string[]> = {
    object: OBJECT_HINTS,
    array: ARRAY_HINTS,
    string: [...STRING_HINTS, "enum", "const"],
    number: [...NUMBER_HINTS, "enum", "const"],
    integer: [...NUMBER_HINTS, "enum", "const"],
  };
  const allowed = hints[type] ?? [];
  const picked: JsonSchema = {};
  for (const [key, value] of Object.entries(shared)) {
    if (allowed.includes(key)) {
      picked[key] =
        key === "enum" && Array.isArray(value) ? value.filter((v) => v !== null) : value;
    }
  }
  return picked;
}

/** Infers a missing `type` from `enum`/`const` values or from type-specific keywords. */
function inferType(node: JsonSchema): JsonType {
  const values = Array.isArray(node.enum) ? node.enum : "const" in node ? [node.const] : [];
  const fromValues = new Set(values.map(valueType));
  if (fromValues.has("number")) fromValues.delete("integer");
  if (fromValues.size === 1) {
    const [only] = fromValues;
    if (only !== undefined) return only;
  }
  if (OBJECT_HINTS.some((key) => key in node)) return "object";
  if (ARRAY_HINTS.some((key) => key in node)) return "array";
  if (NUMBER_HINTS.some((key) => key in node)) return "number";
  // An unconstrained value ({} — e.g. z.unknown()): the validator insists on a type, and a
  // string is what a model can always produce (same fallback as Moonshot's own kosong).
  return "string";
}

function valueType(value: unknown): JsonType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "object") return "object";
  return "string";
}

/** Inlines local `$ref`s (`#/$defs/...`); a recursive reference is left as it is. */
function inlineLocalRefs(node: unknown, root: JsonSchema, active: Set<string>): unknown {
  if (Array.isArray(node)) return node.map((item) => inlineLocalRefs(item, root, active));
  if (!isRecord(node)) return node;
  const ref = node.$ref;
  if (typeof ref === "string" && ref.startsWith("#/") && !active.has(ref)) {
    const target = resolvePointer(root, ref);
    if (isRecord(target)) {
      active.add(ref);
      const { $ref: _ref, ...siblings } = node;
      const merged = inlineLocalRefs({ ...target, ...siblings }, root, active);
      active.delete(ref);
      return merged;
    }
  }
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, inlineLocalRefs(value, root, active)]),
  );
}

function resolvePointer(root: JsonSchema, pointer: string): unknown {
  let current: unknown = root;
  for (const raw of pointer.slice(2).split("/")) {
    const part = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (!isRecord(current)) return undefined;
    current = current[part];
  }
  return current;
}
