/**
 * A tool's (or a structured answer's) schema, given either as a zod schema or as a raw JSON
 * Schema object, with the two things the library does with it: render it as MFJS for the wire,
 * and validate a parsed value against it.
 */
import type { z } from "zod";
import { isZodSchema, loadZod } from "../schema/zod-loader.ts";
import { isRecord, type JsonSchema, toMfjsSchema } from "./mfjs-schema.ts";

export { isZodSchema };

/** A zod schema, or a raw JSON Schema object (validated with `z.fromJSONSchema`). */
export type SchemaInput<T = unknown> = z.ZodType<T> | JsonSchema;

/** Outcome of {@link validateWithSchema}. */
export type SchemaValidation<T> =
  | { success: true; value: T }
  | { success: false; problems: string[] };

/** The schema as a JSON Schema document (zod's input shape: defaults are optional). */
export function toJsonSchema(schema: SchemaInput): JsonSchema {
  if (isZodSchema(schema)) {
    // The schema's own method when it has one (zod 4 classic), so zod is not loaded for it.
    const params = { io: "input", unrepresentable: "any" } as const;
    const rendered: unknown =
      typeof schema.toJSONSchema === "function"
        ? schema.toJSONSchema(params)
        : loadZod().toJSONSchema(schema, params);
    return isRecord(rendered) ? rendered : {};
  }
  return schema;
}

/** The schema in Moonshot's MFJS dialect, ready for `parameters` or `json_schema.schema`. */
export function toWireSchema(schema: SchemaInput): JsonSchema {
  return toMfjsSchema(toJsonSchema(schema));
}

/** Compiles a schema into a zod validator once, so each call only validates. */
export function compileValidator<T>(schema: SchemaInput<T>): z.ZodType<T> {
  if (isZodSchema(schema)) return schema;
  return loadZod().fromJSONSchema(schema) as z.ZodType<T>;
}

/** Validates `value`, returning the parsed value or readable problems ("path: message"). */
export function validateWithSchema<T>(
  validator: z.ZodType<T>,
  value: unknown,
): SchemaValidation<T> {
  const parsed = validator.safeParse(value);
  if (parsed.success) return { success: true, value: parsed.data };
  return {
    success: false,
    problems: parsed.error.issues.map((issue) => {
      const path = issue.path.map(String).join(".");
      return path === "" ? issue.message : `${path}: ${issue.message}`;
    }),
  };
}
