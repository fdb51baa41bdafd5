/**
 * The AI SDK's `responseFormat` as Moonshot's `response_format`: `json_schema` with the schema in
 * Moonshot Flavored JSON Schema where the model takes it (docs/moonshot-wire.md, "Tools"), else
 * `json_object` plus a system instruction that carries the schema.
 */
import type { LanguageModelV4CallOptions, SharedV4Warning } from "@ai-sdk/provider";
import { type JsonSchema, type ModelInfo, type ResponseFormat, toMfjsSchema } from "kimi-provider";
import { TOOL_NAME_PATTERN } from "kimi-provider/internal";

/** What a response format turns into. */
export interface ConvertedResponseFormat {
  responseFormat?: ResponseFormat;
  /** A system message to put first, when the schema cannot travel in `response_format`. */
  instruction?: string;
}

/** The schema name used when the caller gave none (or one Moonshot would refuse). */
export const DEFAULT_SCHEMA_NAME = "response";

/** The system message that asks for JSON matching `schema` (json_object mode). */
export function schemaInstruction(schema: JsonSchema, description: string | undefined): string {
  const about = description ? ` ${description}` : "";
  return `Answer with one JSON value and nothing else.${about} It must match this JSON Schema:\n${JSON.stringify(schema)}`;
}

/** Converts `format` for `model` (`undefined`: an id the catalog does not know). */
export function convertResponseFormat(
  format: LanguageModelV4CallOptions["responseFormat"],
  model: ModelInfo | undefined,
  warnings: SharedV4Warning[],
): ConvertedResponseFormat {
  if (format === undefined || format.type === "text") return {};
  const schema =
    format.schema === undefined ? undefined : toMfjsSchema(format.schema as JsonSchema);
  if (schema !== undefined && (model === undefined || model.capabilities.jsonSchema)) {
    const name =
      format.name !== undefined && TOOL_NAME_PATTERN.test(format.name)
        ? format.name
        : DEFAULT_SCHEMA_NAME;
    return {
      responseFormat: {
        type: "json_schema",
        json_schema: {
          name,
          schema,
          strict: true,
          ...(format.description !== undefined ? { description: format.description } : {}),
        },
      },
    };
  }
  const instruction =
    schema === undefined ? undefined : schemaInstruction(schema, format.description);
  if (model !== undefined && !model.capabilities.jsonMode) {
    warnings.push({
      type: "unsupported",
      feature: "responseFormat",
      details: `${model.id} has no JSON mode: the answer is asked for in JSON by instruction only.`,
    });
    return instruction === undefined ? {} : { instruction };
  }
  return {
    responseFormat: { type: "json_object" },
    ...(instruction !== undefined ? { instruction } : {}),
  };
}
