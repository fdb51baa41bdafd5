/**
 * `kimi-provider tokens [-m MODEL] (TEXT | -f PATH | -)`: estimated tokens of a text sent as one
 * user message, and which context windows it fits. Local only: Kimi's tokenizer is not public
 * (docs/moonshot-wire.md, "Token estimate"), so this is the library's estimator, the same the emulator counts with.
 */

import type { ModelInfo } from "kimi-provider";
import { AbortError, estimatePromptTokens, findCatalogModel, MODEL_CATALOG } from "kimi-provider";
import { parseCommandArgs } from "../arguments.ts";
import type { CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { formatCount } from "../format.ts";
import { readStdin, readTextFile } from "../input-text.ts";
import { formatTable } from "../table.ts";
import { printJson } from "../terminal.ts";
import { UsageError } from "../usage-error.ts";

async function inputText(
  file: string | undefined,
  positionals: readonly string[],
  context: CliContext,
): Promise<string> {
  if (file !== undefined) {
    if (positionals.length > 0) {
      throw new UsageError("--file", "Give either TEXT or -f PATH, not both.", "tokens");
    }
    return readTextFile(file, "--file");
  }
  if (positionals.length === 1 && positionals[0] === "-") return readStdin(context.signal);
  if (positionals.length > 0) return positionals.join(" ");
  if (process.stdin.isTTY !== true) return readStdin(context.signal);
  throw new UsageError(
    "TEXT",
    "Nothing to count: give TEXT, -f PATH, or pipe the text on stdin. Run `kimi-provider tokens --help`.",
    "tokens",
  );
}

/** Runs `kimi-provider tokens`. */
export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs("tokens", args, {
    model: { type: "string", short: "m" },
    file: { type: "string", short: "f" },
    json: { type: "boolean" },
  });
  let models: readonly ModelInfo[] = MODEL_CATALOG.filter((model) => model.status !== "retired");
  if (values.model !== undefined) {
    const model = findCatalogModel(values.model);
    if (model === undefined) {
      throw new UsageError(
        "--model",
        `--model "${values.model}" is not in the catalog. Known models: ${MODEL_CATALOG.map((m) => m.id).join(", ")}.`,
        "tokens",
      );
    }
    models = [model];
  }
  const text = await inputText(values.file, positionals, context);
  // readStdin returns what it had on Ctrl-C: that is an interruption, not the text to count.
  if (context.signal.aborted) throw new AbortError("Interrupted while reading the text.");
  const tokens = estimatePromptTokens([{ role: "user", content: text }]);
  const rows = models.map((model) => ({
    id: model.id,
    context_window: model.contextWindow,
    fits: tokens <= model.contextWindow,
  }));
  if (values.json) {
    printJson(context.terminal, { tokens, characters: text.length, source: "local", models: rows });
    return EXIT.ok;
  }
  const out = context.terminal.out;
  out(
    `~${formatCount(tokens)} tokens (local estimate of ${formatCount(text.length)} characters as one user message; expect about ±20% against the service)\n\n`,
  );
  out(
    formatTable(
      [{ header: "model" }, { header: "context", right: true }, { header: "fits" }],
      rows.map((row) => [
        row.id,
        formatCount(row.context_window),
        row.fits
          ? `yes (${formatCount(row.context_window - tokens)} tokens left for the answer)`
          : `no (over by ${formatCount(tokens - row.context_window)})`,
      ]),
    ),
  );
  return EXIT.ok;
}
