/**
 * Tools: Moonshot's function-name rule, unique names, at most 128 tools, `$web_search` only on
 * models that have it and never with thinking on, `tool_choice` limits (docs/moonshot-wire.md,
 * "Tools"). The tool loop and `defineTool` use the same rules from here.
 */
import type { ChatRequest, ToolChoice } from "../../chat/types.ts";
import type { ModelInfo } from "../model-info.ts";
import type { PolicyContext } from "../policy.ts";
import type { PolicyOutput } from "./policy-output.ts";
import { refuse } from "./refuse.ts";

/** Moonshot's function-name pattern: 3 to 64 characters, letter or `_` first. */
export const TOOL_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9-_]{2,63}$/;

/** Most tools one request may declare. */
export const MAX_TOOLS = 128;

/** Name of Moonshot's builtin web search tool. */
export const WEB_SEARCH_TOOL_NAME = "$web_search";

/** The first name that appears twice (Moonshot rejects duplicate function names), if any. */
export function duplicateToolName(names: Iterable<string>): string | undefined {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

/**
 * Why `model` cannot run `$web_search` with thinking `thinking`: `"unsupported"` when it has no
 * web search, `"thinking"` when thinking is on (the builtin does not work with thinking), else
 * `undefined`.
 */
export function webSearchProblem(
  model: ModelInfo,
  thinking: boolean | undefined,
): "unsupported" | "thinking" | undefined {
  if (!model.capabilities.webSearch) return "unsupported";
  if (thinking === true) return "thinking";
  return undefined;
}

function describeChoice(choice: ToolChoice): string {
  return typeof choice === "string" ? choice : "specified";
}

/** Shared empty list for requests without tools (nothing to allocate per request). */
const NO_TOOLS: NonNullable<ChatRequest["tools"]> = Object.freeze([]) as unknown as NonNullable<
  ChatRequest["tools"]
>;

/** Refuses badly named or duplicate tools and too many of them (any model). */
export function checkToolDeclarations(request: ChatRequest): void {
  const tools = request.tools ?? NO_TOOLS;
  if (tools.length > MAX_TOOLS)
    refuse(`${tools.length} tools declared: Moonshot allows at most ${MAX_TOOLS}.`);
  for (const tool of tools) {
    const name = tool.function.name;
    if (tool.type === "function" && !TOOL_NAME_PATTERN.test(name)) {
      refuse(
        `Tool name "${name}" is invalid: use 3-64 letters, digits, _ or -, starting with a letter or _.`,
      );
    }
  }
  if (tools.length < 2) return;
  const twice = duplicateToolName(tools.map((tool) => tool.function.name));
  if (twice !== undefined) refuse(`Tool "${twice}" is declared twice: tool names must be unique.`);
}

/** Refuses tools and `tool_choice` the model cannot take; sends `tool_choice`. */
export function applyTools(
  request: ChatRequest,
  context: PolicyContext,
  thinking: boolean | undefined,
  out: PolicyOutput,
): void {
  const { model, modelId } = context;
  const tools = request.tools ?? NO_TOOLS;
  if (model && tools.length > 0 && !model.capabilities.tools) {
    refuse(`${modelId} does not support tool calls: remove \`tools\` or use a K2-family model.`);
  }
  const webSearch = tools.some((tool) => tool.function.name === WEB_SEARCH_TOOL_NAME);
  if (model && webSearch) {
    const problem = webSearchProblem(model, thinking);
    if (problem === "unsupported") {
      refuse(`${modelId} does not support the builtin $web_search tool.`);
    }
    if (problem === "thinking") {
      refuse(`$web_search does not work with thinking on ${modelId}: pass \`thinking: false\`.`);
    }
  }
  if (request.toolChoice !== undefined) {
    const choice = request.toolChoice;
    if (model) {
      if (choice === "required" && !model.capabilities.toolChoiceRequired) {
        refuse(
          `${modelId} does not support tool_choice "required": use "auto" and say in the prompt which tool to call.`,
        );
      }
      if (thinking === true && typeof choice === "object") {
        refuse(
          `tool_choice '${describeChoice(choice)}' is incompatible with thinking on ${modelId}: use "auto" or "none", or pass \`thinking: false\`.`,
        );
      }
    }
    out.params.tool_choice = choice;
  }
}
