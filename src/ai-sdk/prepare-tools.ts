/**
 * The AI SDK's tools and `toolChoice` as Moonshot's `tools` and `tool_choice`: function tools with
 * their input schema in Moonshot Flavored JSON Schema (docs/moonshot-wire.md, "Tools"), and the
 * builtin `$web_search` when asked for. Whether the model may take a given `tool_choice` is the
 * library's request policy's call (it refuses what the service would answer with a 400).
 */
import type { LanguageModelV4CallOptions, SharedV4Warning } from "@ai-sdk/provider";
import {
  type JsonSchema,
  type ToolChoice,
  type ToolDefinition,
  toMfjsSchema,
  WEB_SEARCH_TOOL_NAME,
  webSearchTool,
} from "kimi-provider";

/** The provider tool id that stands for Moonshot's builtin web search. */
export const WEB_SEARCH_PROVIDER_TOOL_ID = "kimi.web_search";

/** Tools and tool choice for the request. */
export interface PreparedTools {
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
}

/** Converts the call's tools; `webSearch` adds `$web_search`. */
export function prepareTools(
  tools: LanguageModelV4CallOptions["tools"],
  toolChoice: LanguageModelV4CallOptions["toolChoice"],
  webSearch: boolean,
  warnings: SharedV4Warning[],
): PreparedTools {
  const definitions: ToolDefinition[] = [];
  let search = webSearch;
  for (const tool of tools ?? []) {
    if (tool.type === "provider") {
      if (tool.id === WEB_SEARCH_PROVIDER_TOOL_ID) search = true;
      else warnings.push({ type: "unsupported", feature: `provider tool ${tool.id}` });
      continue;
    }
    definitions.push({
      type: "function",
      function: {
        name: tool.name,
        ...(tool.description !== undefined ? { description: tool.description } : {}),
        parameters: toMfjsSchema(tool.inputSchema as JsonSchema),
        ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
      },
    });
  }
  if (search && !definitions.some((tool) => tool.function.name === WEB_SEARCH_TOOL_NAME)) {
    definitions.push(webSearchTool());
  }
  if (definitions.length === 0) return {};
  if (toolChoice === undefined) return { tools: definitions };
  switch (toolChoice.type) {
    case "auto":
    case "none":
    case "required":
      return { tools: definitions, toolChoice: toolChoice.type };
    case "tool":
      return {
        tools: definitions,
        toolChoice: { type: "function", function: { name: toolChoice.toolName } },
      };
  }
}
