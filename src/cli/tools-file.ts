/**
 * `chat --tools FILE`: a JSON array of tool definitions in Moonshot's wire shape
 * (`{type: "function", function: {name, description, parameters}}`, or
 * `{type: "builtin_function", function: {name: "$web_search"}}`, docs/moonshot-wire.md, "Tools" and "Web search").
 */
import type { ToolDefinition } from "kimi-provider";
import { readTextFile } from "./input-text.ts";
import { UsageError } from "./usage-error.ts";

function invalid(path: string, why: string): UsageError {
  return new UsageError(
    "--tools",
    `--tools ${path}: ${why}. Give a JSON array like [{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}].`,
    "chat",
  );
}

/** Parses the text of a tools file; throws a {@link UsageError} naming `--tools`. */
export function parseToolsFile(path: string, text: string): ToolDefinition[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalid(path, `not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw invalid(path, "not a JSON array");
  parsed.forEach((tool, index) => {
    const candidate = tool as { type?: unknown; function?: { name?: unknown } } | null;
    if (
      !candidate ||
      typeof candidate !== "object" ||
      (candidate.type !== "function" && candidate.type !== "builtin_function") ||
      !candidate.function ||
      typeof candidate.function.name !== "string"
    ) {
      throw invalid(
        path,
        `entry ${index} is not {"type":"function"|"builtin_function","function":{"name":...}}`,
      );
    }
  });
  return parsed as ToolDefinition[];
}

/** Reads and parses a tools file. */
export async function readToolsFile(path: string): Promise<ToolDefinition[]> {
  return parseToolsFile(path, await readTextFile(path, "--tools"));
}
