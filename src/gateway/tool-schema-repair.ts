/**
 * Tool parameter schemas (and a `json_schema` response format) rewritten into Moonshot Flavored
 * JSON Schema with the library's converter (src/tools/mfjs-schema.ts; docs/moonshot-wire.md,
 * "Tools"): one schema the validator rejects fails every turn of a conversation. A schema that
 * cannot be converted is refused with a 400 naming the tool.
 */
import { KimiError, toMfjsSchema } from "kimi-provider";
import { isRecord } from "kimi-provider/internal";
import { invalidRequest } from "./error-envelope.ts";
import type { FieldRepair } from "./sampling-repair.ts";

function convert(schema: Record<string, unknown>, what: string): Record<string, unknown> {
  try {
    return toMfjsSchema(schema);
  } catch (error) {
    const reason =
      error instanceof KimiError || error instanceof Error ? error.message : String(error);
    throw invalidRequest(
      `${what} has a schema Kimi cannot accept, and the gateway cannot repair it: ${reason}`,
    );
  }
}

/** Normalises the schemas in `body` in place; returns what changed. */
export function repairToolSchemas(body: Record<string, unknown>): FieldRepair[] {
  const repairs: FieldRepair[] = [];
  if (Array.isArray(body.tools)) {
    body.tools = body.tools.map((tool: unknown) => {
      if (!isRecord(tool) || tool.type !== "function" || !isRecord(tool.function)) return tool;
      const parameters = tool.function.parameters;
      if (!isRecord(parameters)) return tool;
      const name = String(tool.function.name);
      const converted = convert(parameters, `Tool "${name}"`);
      if (JSON.stringify(converted) === JSON.stringify(parameters)) return tool;
      repairs.push({ field: "tools", note: `tool ${name}: parameters normalised to MFJS` });
      return { ...tool, function: { ...tool.function, parameters: converted } };
    });
  }
  const format = body.response_format;
  if (isRecord(format) && format.type === "json_schema" && isRecord(format.json_schema)) {
    const schema = format.json_schema.schema;
    if (isRecord(schema)) {
      const converted = convert(schema, "response_format.json_schema");
      if (JSON.stringify(converted) !== JSON.stringify(schema)) {
        body.response_format = {
          ...format,
          json_schema: { ...format.json_schema, schema: converted },
        };
        repairs.push({
          field: "response_format",
          note: "response_format schema normalised to MFJS",
        });
      }
    }
  }
  return repairs;
}
