/**
 * `kimi-provider cost -m MODEL --input N --output N [--cached N] [--json]`: the price of a
 * request from the catalog, in USD (docs/moonshot-wire.md, "Prices" and "Accounts and hosts").
 */
import { computeCost, findCatalogModel, MODEL_CATALOG } from "kimi-provider";
import { parseCommandArgs, parseNumberFlag, rejectPositionals } from "../arguments.ts";
import type { CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { formatCount, formatPrice, formatUsd } from "../format.ts";
import { printJson } from "../terminal.ts";
import { UsageError } from "../usage-error.ts";

const TOKENS = { min: 0, integer: true, describe: "a whole number of tokens, 0 or more" };

function required(value: string | undefined, flag: string): string {
  if (value === undefined) {
    throw new UsageError(flag, `${flag} is required. Run \`kimi-provider cost --help\`.`, "cost");
  }
  return value;
}

/** Runs `kimi-provider cost`. */
export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs("cost", args, {
    model: { type: "string", short: "m" },
    input: { type: "string" },
    output: { type: "string" },
    cached: { type: "string" },
    json: { type: "boolean" },
  });
  rejectPositionals("cost", positionals);
  const modelId = required(values.model, "--model");
  const input = parseNumberFlag(required(values.input, "--input"), "--input", TOKENS);
  const output = parseNumberFlag(required(values.output, "--output"), "--output", TOKENS);
  const cached =
    values.cached === undefined ? 0 : parseNumberFlag(values.cached, "--cached", TOKENS);
  if (cached > input) {
    throw new UsageError(
      "--cached",
      `--cached ${cached} is more than --input ${input}: cached tokens are part of the input.`,
      "cost",
    );
  }
  const model = findCatalogModel(modelId);
  if (model === undefined) {
    throw new UsageError(
      "--model",
      `--model "${modelId}" is not in the catalog. Known models: ${MODEL_CATALOG.map((m) => m.id).join(", ")}.`,
      "cost",
    );
  }
  const cost = computeCost(model, {
    promptTokens: input,
    completionTokens: output,
    totalTokens: input + output,
    cachedTokens: cached,
    reasoningTokens: null,
  });
  if (values.json) {
    printJson(context.terminal, {
      model: model.id,
      input: cost.input,
      output: cost.output,
      total: cost.total,
    });
    return EXIT.ok;
  }
  const { pricing } = model;
  const out = context.terminal.out;
  out(
    `${model.id}: ${formatCount(input)} input tokens (${formatCount(cached)} cached) + ${formatCount(output)} output tokens\n`,
  );
  out(
    `  input   ${formatUsd(cost.input)}  (cache hit $${formatPrice(pricing.inputCacheHit)}/M, miss $${formatPrice(pricing.inputCacheMiss)}/M)\n`,
  );
  out(`  output  ${formatUsd(cost.output)}  ($${formatPrice(pricing.output)}/M)\n`);
  out(`  total   ${formatUsd(cost.total)}\n`);
  if (cost.total === null) {
    out("  (no public price for this model: the cost is unknown)\n");
  }
  return EXIT.ok;
}
