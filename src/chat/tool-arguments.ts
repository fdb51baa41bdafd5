/**
 * Parsing a tool call's `arguments` (a JSON string produced by the model, docs/moonshot-wire.md, "Tools") and
 * validating it against the tool's schema.
 */
import type { z } from "zod";
import { ToolArgumentsError } from "../errors/error-classes.ts";
import { isZodSchema, loadZod } from "../schema/zod-loader.ts";
import type { ToolCall } from "./types.ts";

/** A zod schema, or a JSON Schema object (converted with zod's `fromJSONSchema`). */
export type ToolArgumentsSchema = z.ZodType | Record<string, unknown>;

const converted = new WeakMap<object, z.ZodType>();

function toZod(schema: ToolArgumentsSchema): z.ZodType {
  if (isZodSchema(schema)) return schema;
  let zod = converted.get(schema);
  if (!zod) {
    zod = loadZod().fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    converted.set(schema, zod);
  }
  return zod;
}

/**
 * Parses `toolCall.function.arguments` as JSON and, when `schema` is given, validates it: with a
 * zod schema the result has the schema's output type, with a JSON Schema object or none it is
 * `unknown`. An empty string counts as `{}` (some models send no arguments for parameterless
 * tools). Throws {@link ToolArgumentsError} (code `invalid_tool_arguments`) on malformed JSON or a
 * schema mismatch; the message names the tool and the problem.
 *
 * @example
 * const { city } = parseToolArguments(call, z.object({ city: z.string() })); // city: string
 */
export function parseToolArguments<S extends z.ZodType>(toolCall: ToolCall, schema: S): z.output<S>;
export function parseToolArguments(toolCall: ToolCall, schema?: Record<string, unknown>): unknown;
export function parseToolArguments(toolCall: ToolCall, schema?: ToolArgumentsSchema): unknown {
  const name = toolCall.function.name;
  const raw = toolCall.function.arguments;
  let value: unknown;
  try {
    value = raw.trim() === "" ? {} : JSON.parse(raw);
  } catch (error) {
    throw new ToolArgumentsError(
      `The model called tool "${name}" (call ${toolCall.id}) with arguments that are not valid JSON (${error instanceof Error ? error.message : String(error)}): ${raw.slice(0, 200)}. Send the error back as the tool result so the model can retry, or re-ask.`,
      { toolName: name, rawArguments: raw },
    );
  }
  if (!schema) return value;
  const parsed = toZod(schema).safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map(
        (issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`,
      )
      .join("; ");
    throw new ToolArgumentsError(
      `The model called tool "${name}" (call ${toolCall.id}) with arguments that do not match its schema: ${problems}. Send the error back as the tool result so the model can correct them.`,
      { toolName: name, rawArguments: raw },
    );
  }
  return parsed.data;
}
