/**
 * `generateObject()`: a typed value from the model. Uses `response_format: json_schema` (MFJS)
 * where the model supports it, else `json_object` plus the schema in the prompt (docs/moonshot-wire.md, "Structured output":
 * json_object needs the shape described in the prompt and only yields objects). The answer is
 * parsed and validated; on failure the problems are sent back once and the model asked to fix it.
 */

import type { z } from "zod";
import type {
  ChatMessage,
  ChatRequest,
  RequestOptions,
  ResponseFormat,
  ThinkingSetting,
} from "../chat/types.ts";
import { addCost, type CostBreakdown, sumCost, zeroCost } from "../cost/pricing.ts";
import { emptyUsage, sumUsage, type Usage } from "../cost/usage.ts";
import { InvalidRequestError } from "../errors/error-classes.ts";
import type { ToolsClient } from "./client-port.ts";
import { StructuredOutputError } from "./structured-output-error.ts";
import { assertToolName } from "./tool-name.ts";
import {
  compileValidator,
  type SchemaInput,
  type SchemaValidation,
  toWireSchema,
  validateWithSchema,
} from "./tool-schema.ts";

/** Options of {@link generateObject}. */
export interface GenerateObjectOptions<T> {
  /** Model id; default `config.defaultModel`. */
  model?: string;
  /** The conversation; or use `prompt`. */
  messages?: ChatMessage[];
  /** A single user message (appended after `messages`). */
  prompt?: string;
  /** The value's schema; its root must be an object (Moonshot returns only objects). */
  schema: SchemaInput<T>;
  /** Schema name for `json_schema` (default `"response"`; Moonshot's name pattern applies). */
  name?: string;
  /** What the value is, for the model. */
  description?: string;
  /** Force a mode; default: `json_schema` when the catalog says the model supports it. */
  mode?: "json_schema" | "json_object";
  /** Repairs allowed after an invalid answer (default 1; 0 disables repair). */
  maxRepairs?: number;
  thinking?: boolean | ThinkingSetting;
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
  requestOptions?: Omit<RequestOptions, "signal">;
}

/** What {@link generateObject} resolves with. */
export interface GenerateObjectResult<T> {
  /** The validated value. */
  object: T;
  /** The raw JSON text the value was parsed from (the model's answer). */
  content: string;
  /** @deprecated The same as {@link GenerateObjectResult.content}; use `content`. */
  text: string;
  mode: "json_schema" | "json_object";
  /** Requests made (2 when a repair was needed). */
  attempts: number;
  /** Token totals over the attempts that reported usage. */
  usage: Usage;
  /** Cost over every attempt, field by field; `total` is `null` when a price is unknown. */
  cost: CostBreakdown;
  /** @deprecated `cost.total`: USD over every attempt; `null` when a price is unknown. */
  totalCostUsd: number | null;
}

/**
 * Asks the model for a value matching `schema`. Rejects with {@link StructuredOutputError}
 * (code `structured_output_invalid`) when the answer is still invalid after the repairs.
 */
export async function generateObject<T>(
  client: ToolsClient,
  options: GenerateObjectOptions<T>,
): Promise<GenerateObjectResult<T>> {
  const modelId = options.model ?? client.config.defaultModel;
  const model = client.models.get(modelId);
  const name = options.name ?? "response";
  assertToolName(name);
  const schema = toWireSchema(options.schema);
  const validator = compileValidator(options.schema);
  const mode =
    options.mode ?? (model?.capabilities.jsonSchema === true ? "json_schema" : "json_object");
  if (mode === "json_object" && model !== undefined && !model.capabilities.jsonMode) {
    throw new InvalidRequestError(
      `Model ${modelId} supports neither json_schema nor json_object output. Pick a model whose catalog entry has capabilities.jsonMode.`,
    );
  }

  const responseFormat: ResponseFormat =
    mode === "json_schema"
      ? {
          type: "json_schema",
          json_schema: {
            name,
            schema,
            strict: true,
            ...(options.description !== undefined ? { description: options.description } : {}),
          },
        }
      : { type: "json_object" };
  const messages: ChatMessage[] = [...(options.messages ?? [])];
  if (mode === "json_object") {
    messages.unshift({ role: "system", content: schemaInstruction(schema, options.description) });
  }
  if (options.prompt !== undefined) messages.push({ role: "user", content: options.prompt });
  if (messages.length === 0) {
    throw new InvalidRequestError("generateObject needs `messages` or a `prompt`.");
  }

  let usage = emptyUsage();
  let cost: number | null = 0;
  let breakdown = zeroCost(modelId);
  const maxAttempts = 1 + Math.max(0, options.maxRepairs ?? 1);
  let lastText = "";
  let lastProblems: string[] = [];

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const request: ChatRequest = {
      model: modelId,
      messages,
      responseFormat,
      ...(options.thinking !== undefined ? { thinking: options.thinking } : {}),
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
    };
    const answer = await client.chat(request, {
      ...options.requestOptions,
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    });
    usage = sumUsage(usage, answer.usage);
    cost = addCost(cost, answer.cost.total);
    breakdown = sumCost(breakdown, answer.cost);

    lastText = answer.content;
    const checked = parseAndValidate(validator, answer.content);
    if (checked.success) {
      return {
        object: checked.value,
        content: answer.content,
        text: answer.content,
        mode,
        attempts: attempt,
        usage,
        cost: breakdown,
        totalCostUsd: cost,
      };
    }
    lastProblems = checked.problems;
    messages.push(
      { role: "assistant", content: answer.content === "" ? " " : answer.content },
      { role: "user", content: repairInstruction(checked.problems) },
    );
  }
  throw new StructuredOutputError(
    `The model's answer does not match the schema after ${maxAttempts} attempt(s): ${lastProblems.join("; ")}. Simplify the schema, describe the fields in the prompt, or raise maxRepairs.`,
    { text: lastText, problems: lastProblems, attempts: maxAttempts },
  );
}

/** Parses the model's text as JSON (tolerating a Markdown code fence) and validates it. */
export function parseAndValidate<T>(validator: z.ZodType<T>, text: string): SchemaValidation<T> {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(text);
  const json = fenced?.[1] ?? text;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { success: false, problems: [`not valid JSON: ${(error as Error).message}`] };
  }
  return validateWithSchema(validator, value);
}

function schemaInstruction(
  schema: Record<string, unknown>,
  description: string | undefined,
): string {
  const what = description === undefined ? "" : ` It describes: ${description}.`;
  return `Reply with one JSON object only, no prose and no code fence, that matches this JSON Schema:${what}\n${JSON.stringify(schema)}`;
}

function repairInstruction(problems: readonly string[]): string {
  return `Your previous reply is not valid: ${problems.join("; ")}. Reply again with only the corrected JSON object.`;
}
