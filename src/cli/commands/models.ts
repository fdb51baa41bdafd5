/**
 * `kimi-provider models [--wide] [--json] [--refresh]`: the model catalog as a table, optionally merged
 * with what GET /v1/models says this key can use (availability is account-dependent, docs/moonshot-wire.md, "Accounts and hosts"). The
 * models online today come first; retired ones follow with their retirement day and successor
 * (kept so that old usage can still be priced).
 */
import type { ModelCapabilities, ModelInfo } from "kimi-provider";
import { ModelRegistry } from "kimi-provider/internal";
import { parseCommandArgs, rejectPositionals } from "../arguments.ts";
import type { CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { formatCount, formatPrice } from "../format.ts";
import { openService } from "../service.ts";
import { formatTable } from "../table.ts";
import { printJson } from "../terminal.ts";

/** Short capability tags, in table order. */
export function capabilityTags(capabilities: ModelCapabilities): string[] {
  const tags: string[] = [];
  if (capabilities.tools) tags.push("tools");
  if (capabilities.jsonMode) tags.push("json");
  if (capabilities.jsonSchema) tags.push("schema");
  if (capabilities.partial) tags.push("partial");
  if (capabilities.imageInput) tags.push("image");
  if (capabilities.videoInput) tags.push("video");
  if (capabilities.thinking === "always") tags.push("think");
  if (capabilities.thinking === "toggle") tags.push("think?");
  if (capabilities.webSearch) tags.push("search");
  if (capabilities.automaticCaching) tags.push("cache");
  if (capabilities.reasoningEfforts.length > 0) tags.push("effort");
  return tags;
}

/** Online models first (catalog order), then retired ones (catalog order). */
export function lineupOrder(models: readonly ModelInfo[]): ModelInfo[] {
  return [
    ...models.filter((model) => model.status !== "retired"),
    ...models.filter((model) => model.status === "retired"),
  ];
}

/** The status cell: `recommended`, `current`, or `retired 2026-05-25`. */
export function statusText(model: ModelInfo): string {
  if (model.status === "retired" && model.retiredOn !== undefined) {
    return `retired ${model.retiredOn}`;
  }
  return model.status;
}

/** The `--json` view of one model (snake_case like the service's own objects). */
export function modelJson(model: ModelInfo): Record<string, unknown> {
  return {
    id: model.id,
    description: model.description,
    context_window: model.contextWindow,
    pricing: {
      currency: "USD",
      unit: "per 1M tokens",
      input_cache_hit: model.pricing.inputCacheHit,
      input_cache_miss: model.pricing.inputCacheMiss,
      output: model.pricing.output,
    },
    capabilities: model.capabilities,
    status: model.status,
    released_on: model.releasedOn ?? null,
    retired_on: model.retiredOn ?? null,
    successor: model.successor ?? null,
    available: model.available ?? null,
    source: model.source,
    as_of: model.asOf,
    ...(model.notes === undefined ? {} : { notes: model.notes }),
  };
}

/** Runs `kimi-provider models`. */
export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs("models", args, {
    json: { type: "boolean" },
    refresh: { type: "boolean" },
    wide: { type: "boolean" },
  });
  rejectPositionals("models", positionals);
  let models: ModelInfo[];
  if (values.refresh) {
    const session = await openService(context, { verbose: values.verbose === true });
    try {
      await session.kimi.models.refresh({ signal: context.signal });
      models = session.kimi.models.list();
    } finally {
      await session.close();
    }
  } else {
    // The catalog alone needs no client: nothing is sent, no key or emulator involved.
    models = new ModelRegistry().list();
  }
  models = lineupOrder(models);
  if (values.json) {
    printJson(context.terminal, models.map(modelJson));
    return EXIT.ok;
  }
  const wide = values.wide === true;
  // The default view fits 80 columns; --wide adds capabilities, retirement days and successors.
  const columns = [
    { header: "id" },
    { header: "context", right: true },
    { header: "hit", right: true },
    { header: "miss", right: true },
    { header: "output", right: true },
    ...(wide ? [{ header: "capabilities" }] : []),
    { header: "status" },
    ...(wide ? [{ header: "successor" }] : []),
    ...(values.refresh ? [{ header: "available" }] : []),
  ];
  const rows = models.map((model) => [
    model.id,
    formatCount(model.contextWindow),
    formatPrice(model.pricing.inputCacheHit),
    formatPrice(model.pricing.inputCacheMiss),
    formatPrice(model.pricing.output),
    ...(wide ? [capabilityTags(model.capabilities).join(",")] : []),
    wide ? statusText(model) : model.status,
    ...(wide ? [model.successor ?? ""] : []),
    ...(values.refresh ? [model.available === false ? "no" : "yes"] : []),
  ]);
  context.terminal.out(formatTable(columns, rows));
  context.terminal.out(
    "\nPrices: USD per million tokens (cache hit / cache miss / output); '-': none.\n" +
      "Retired models answer 404 on the service; they are listed so that old usage can\n" +
      "be priced. KIMI_MODEL_FALLBACK=successor sends their requests to the successor.\n" +
      (wide
        ? ""
        : "--wide adds capabilities, retirement days and successors; --json everything.\n"),
  );
  return EXIT.ok;
}
