/**
 * `kimi-provider tokens [-m MODEL] (TEXT | -f PATH | -)`: estimated tokens of a text sent as one
 * user message, or of a file as `chat -f` sends it, and which context windows it fits. Kimi's
 * tokenizer is not public (docs/moonshot-wire.md, "Token estimate"), so the count is the library's local estimator,
 * the same the emulator counts with. A file is first extracted exactly as `chat -f` does it
 * (uploaded for extraction, its text read, the upload deleted): by Moonshot with a key, by the
 * local emulator without one. Counting the file's raw bytes would overcount a PDF many times.
 */

import type { ModelInfo } from "kimi-provider";
import { AbortError, estimatePromptTokens, findCatalogModel, MODEL_CATALOG } from "kimi-provider";
import { parseCommandArgs } from "../arguments.ts";
import type { CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { formatCount } from "../format.ts";
import { readStdin } from "../input-text.ts";
import { openService } from "../service.ts";
import { formatTable } from "../table.ts";
import { printJson } from "../terminal.ts";
import { UsageError } from "../usage-error.ts";

/** What `chat -f` sends for `path`: the extracted text, as one system message. */
async function extracted(
  path: string,
  context: CliContext,
  verbose: boolean,
): Promise<{ text: string; by: "emulator" | "service" }> {
  const service = await openService(context, { verbose });
  try {
    const { files } = service.kimi;
    const uploaded = await files.upload(path, { signal: context.signal });
    try {
      const content = await files.content(uploaded.id, { signal: context.signal });
      return { text: content.raw, by: service.emulator === undefined ? "service" : "emulator" };
    } finally {
      await files.delete(uploaded.id).catch(() => undefined);
    }
  } finally {
    await service.close();
  }
}

async function inputText(positionals: readonly string[], context: CliContext): Promise<string> {
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
  if (values.file !== undefined && positionals.length > 0) {
    throw new UsageError("--file", "Give either TEXT or -f PATH, not both.", "tokens");
  }
  const file =
    values.file === undefined
      ? undefined
      : await extracted(values.file, context, values.verbose === true);
  const text = file === undefined ? await inputText(positionals, context) : file.text;
  // readStdin returns what it had on Ctrl-C: that is an interruption, not the text to count.
  if (context.signal.aborted) throw new AbortError("Interrupted while reading the text.");
  const tokens = estimatePromptTokens([
    file === undefined ? { role: "user", content: text } : { role: "system", content: text },
  ]);
  const rows = models.map((model) => ({
    id: model.id,
    context_window: model.contextWindow,
    fits: tokens <= model.contextWindow,
  }));
  if (values.json) {
    printJson(context.terminal, {
      tokens,
      characters: text.length,
      source: "local",
      estimate: true,
      ...(file === undefined ? {} : { extracted_by: file.by }),
      models: rows,
    });
    return EXIT.ok;
  }
  const out = context.terminal.out;
  const what =
    file === undefined
      ? "as one user message"
      : `extracted from ${values.file} by ${file.by === "emulator" ? "the local emulator" : "Moonshot"} (uploaded, read, deleted), as \`chat -f\` sends it in a system message`;
  out(
    `~${formatCount(tokens)} tokens (a local estimate of ${formatCount(text.length)} characters ${what}; expect about ±20% against the service)\n\n`,
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
