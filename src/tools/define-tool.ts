/**
 * Typed tools: a name, a description, a schema (zod or raw JSON Schema) and an `execute`
 * function. The schema is converted to MFJS and the name checked against Moonshot's pattern
 * when the tool is defined (docs/moonshot-wire.md, "Tools"), so a mistake fails at startup, not mid-loop.
 */
import type { z } from "zod";
import type { JsonSchema } from "./mfjs-schema.ts";
import { assertToolName } from "./tool-name.ts";
import { compileValidator, type SchemaInput, toWireSchema } from "./tool-schema.ts";

/** What `execute` receives besides the validated arguments. */
export interface ToolExecutionContext {
  /** The id of the tool call being answered (kept verbatim: `get_weather_0` on 2026 models, `get_weather:0` on 2025 ones). */
  toolCallId: string;
  /** Aborts when the loop is cancelled; long-running tools should honour it. */
  signal: AbortSignal;
  /** 1-based step of the loop that requested the call. */
  step: number;
}

/** The wire declaration of a function tool (`tools[i]` of a chat request). */
export interface FunctionToolDeclaration {
  type: "function";
  function: { name: string; description: string; parameters: JsonSchema };
}

/** Options of {@link defineTool}. */
export interface ToolSpec<Args, Result> {
  /** Function name; must match `^[a-zA-Z_][a-zA-Z0-9-_]{2,63}$` (docs/moonshot-wire.md, "Tools"). */
  name: string;
  /** What the tool does and when to call it; the model reads this. */
  description: string;
  /** Arguments schema: a zod object schema or a raw JSON Schema with an object root. */
  parameters: SchemaInput<Args>;
  /**
   * Runs the tool with validated arguments. The returned value is sent to the model as the tool
   * message content: strings as they are, anything else as JSON. A thrown error is sent back to
   * the model as an error result; the loop continues.
   */
  execute: (args: Args, context: ToolExecutionContext) => Result | Promise<Result>;
}

/** A tool ready for {@link runTools}: the spec plus its wire declaration and validator. */
export interface KimiTool<Args = unknown, Result = unknown> {
  /** The name the model calls the tool by (checked against Moonshot's pattern). */
  readonly name: string;
  /** Description sent to the model. */
  readonly description: string;
  /** The declaration sent in `tools` (MFJS parameters). */
  readonly declaration: FunctionToolDeclaration;
  /** Validator for the model's arguments. */
  readonly validator: z.ZodType<Args>;
  /** The tool's implementation (method syntax keeps `KimiTool<{...}>` usable as `KimiTool`). */
  execute(args: Args, context: ToolExecutionContext): Result | Promise<Result>;
}

/**
 * Defines a typed tool. Throws `InvalidRequestError` when the name does not match Moonshot's
 * pattern or the schema root is not an object.
 *
 * @example
 * const weather = defineTool({
 *   name: "get_weather",
 *   description: "Current weather for a city",
 *   parameters: z.object({ city: z.string() }),
 *   execute: async ({ city }) => ({ city, celsius: 21 }),
 * });
 */
export function defineTool<Args, Result>(spec: ToolSpec<Args, Result>): KimiTool<Args, Result> {
  assertToolName(spec.name);
  const parameters = toWireSchema(spec.parameters);
  return {
    name: spec.name,
    description: spec.description,
    declaration: {
      type: "function",
      function: { name: spec.name, description: spec.description, parameters },
    },
    validator: compileValidator(spec.parameters),
    execute: spec.execute,
  };
}
