/**
 * Generates a value that matches a JSON Schema: tool-call arguments and `json_schema` structured
 * output (docs/moonshot-wire.md "Tools"). Covers what MFJS tool schemas use: objects with
 * required properties, primitive types, enums/const, arrays (items/prefixItems, min/maxItems),
 * nested objects, anyOf/oneOf/allOf, `$ref` to `$defs`/`definitions`, string formats and bounds.
 */
import type { Rng } from "./random.ts";

type Schema = Record<string, unknown>;

/** Hints used to make sampled strings read sensibly (e.g. a city named in the question). */
export interface SampleHints {
  /** The user's last message, used for query-like and place-like string properties. */
  userText?: string;
}

const MAX_DEPTH = 8;

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function resolveRef(root: Schema, ref: string): Schema | undefined {
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(2).split("/")) {
    if (!isSchema(node)) return undefined;
    node = node[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return isSchema(node) ? node : undefined;
}

const PLACE_KEYS = /^(city|location|place|town|country|region|destination|origin|address)$/i;
const QUERY_KEYS = /^(q|query|search|keyword|keywords|text|prompt|question|topic|input)$/i;
const STOP_WORDS = new Set(["I", "What", "Please", "Can", "Could", "The", "Use", "Call", "How"]);

function placeFrom(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const inMatch = text.match(/\b(?:in|at|for|to|from)\s+([A-Z][\p{L}-]+(?:\s[A-Z][\p{L}-]+)?)/u);
  if (inMatch?.[1]) return inMatch[1];
  const words = text.match(/\b[A-Z][a-z]{2,}\b/g) ?? [];
  return words.find((word) => !STOP_WORDS.has(word));
}

function sampleString(schema: Schema, name: string, rng: Rng, hints: SampleHints): string {
  const format = schema.format;
  let value: string;
  if (format === "date-time") value = "2026-01-15T09:30:00Z";
  else if (format === "date") value = "2026-01-15";
  else if (format === "time") value = "09:30:00";
  else if (format === "email") value = "user@example.com";
  else if (format === "uri" || format === "url") value = "https://example.com/";
  else if (format === "uuid") value = "123e4567-e89b-12d3-a456-426614174000";
  else if (PLACE_KEYS.test(name)) value = placeFrom(hints.userText) ?? "Beijing";
  else if (QUERY_KEYS.test(name) && hints.userText) value = hints.userText.trim().slice(0, 120);
  else if (name) value = `${name.replace(/[_-]+/g, " ")} ${rng.int(1, 99)}`;
  else value = `value ${rng.int(1, 99)}`;
  const min = typeof schema.minLength === "number" ? schema.minLength : 0;
  const max = typeof schema.maxLength === "number" ? schema.maxLength : Number.POSITIVE_INFINITY;
  while (value.length < min) value += "x";
  if (value.length > max) value = value.slice(0, max);
  return value;
}

function sampleNumber(schema: Schema, integer: boolean, rng: Rng): number {
  let min = typeof schema.minimum === "number" ? schema.minimum : undefined;
  let max = typeof schema.maximum === "number" ? schema.maximum : undefined;
  if (typeof schema.exclusiveMinimum === "number")
    min = schema.exclusiveMinimum + (integer ? 1 : 0.5);
  if (typeof schema.exclusiveMaximum === "number")
    max = schema.exclusiveMaximum - (integer ? 1 : 0.5);
  const low = min ?? (max !== undefined ? Math.min(0, max) : 1);
  const high = max ?? low + 9;
  let value = integer ? rng.int(Math.ceil(low), Math.floor(high)) : low + (high - low) * rng.next();
  if (!integer) value = Math.round(value * 100) / 100;
  if (typeof schema.multipleOf === "number" && schema.multipleOf > 0) {
    value = Math.ceil(low / schema.multipleOf) * schema.multipleOf;
  }
  return Math.min(Math.max(value, low), high);
}

function primaryType(schema: Schema): string | undefined {
  const type = schema.type;
  if (typeof type === "string") return type;
  if (Array.isArray(type)) {
    const nonNull = type.find((entry) => entry !== "null");
    return typeof nonNull === "string" ? nonNull : "null";
  }
  if (isSchema(schema.properties)) return "object";
  if (schema.items !== undefined || schema.prefixItems !== undefined) return "array";
  return undefined;
}

function mergeAllOf(parts: unknown[], base: Schema): Schema {
  const merged: Schema = { ...base, allOf: undefined };
  const properties: Schema = isSchema(base.properties) ? { ...base.properties } : {};
  const required = new Set<string>(Array.isArray(base.required) ? base.required : []);
  for (const part of parts) {
    if (!isSchema(part)) continue;
    Object.assign(merged, part);
    if (isSchema(part.properties)) Object.assign(properties, part.properties);
    if (Array.isArray(part.required)) for (const key of part.required) required.add(String(key));
  }
  merged.properties = properties;
  merged.required = [...required];
  return merged;
}

/** Samples a value matching `schema`. `root` resolves `$ref`s. */
export function sampleSchema(
  schema: unknown,
  rng: Rng,
  hints: SampleHints = {},
  root: unknown = schema,
  name = "",
  depth = 0,
): unknown {
  if (!isSchema(schema) || depth > MAX_DEPTH) return null;
  const rootSchema = isSchema(root) ? root : schema;
  if (typeof schema.$ref === "string") {
    const target = resolveRef(rootSchema, schema.$ref);
    return target ? sampleSchema(target, rng, hints, rootSchema, name, depth + 1) : null;
  }
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (Array.isArray(schema.allOf)) {
    return sampleSchema(mergeAllOf(schema.allOf, schema), rng, hints, rootSchema, name, depth + 1);
  }
  const union = Array.isArray(schema.anyOf) ? schema.anyOf : schema.oneOf;
  if (Array.isArray(union) && union.length > 0) {
    const choice =
      union.find((option) => isSchema(option) && option.type !== "null") ?? (union[0] as unknown);
    return sampleSchema(choice, rng, hints, rootSchema, name, depth + 1);
  }
  if ("default" in schema && schema.default !== undefined) return schema.default;
  switch (primaryType(schema)) {
    case "object": {
      const out: Record<string, unknown> = {};
      const properties = isSchema(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required.map(String) : undefined;
      // Required properties only when the schema lists them (a model fills what it must);
      // every property when it lists none.
      const keys = required ?? Object.keys(properties);
      for (const key of keys) {
        out[key] = sampleSchema(properties[key] ?? {}, rng, hints, rootSchema, key, depth + 1);
      }
      return out;
    }
    case "array": {
      if (Array.isArray(schema.prefixItems)) {
        return schema.prefixItems.map((item) =>
          sampleSchema(item, rng, hints, rootSchema, name, depth + 1),
        );
      }
      const min = typeof schema.minItems === "number" ? schema.minItems : 1;
      const max = typeof schema.maxItems === "number" ? schema.maxItems : Math.max(min, 2);
      const count = Math.min(Math.max(min, 1), max);
      const items: unknown[] = [];
      const singular = name.endsWith("s") ? name.slice(0, -1) : name;
      for (let i = 0; i < count; i++) {
        items.push(sampleSchema(schema.items ?? {}, rng, hints, rootSchema, singular, depth + 1));
      }
      return items;
    }
    case "string":
      return sampleString(schema, name, rng, hints);
    case "integer":
      return sampleNumber(schema, true, rng);
    case "number":
      return sampleNumber(schema, false, rng);
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return sampleString(schema, name, rng, hints);
  }
}
