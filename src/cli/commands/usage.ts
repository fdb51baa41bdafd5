/**
 * `kimi-provider usage [--json] [--reset]`: the totals of every `kimi-provider chat` answer from
 * the service on this machine, from the ledger under the state directory. Answers of the CLI's
 * local emulator (no KIMI_API_KEY) cost nothing and are not recorded; the text says so.
 */
import { resolveStateDir } from "kimi-provider/internal";
import { parseCommandArgs, rejectPositionals } from "../arguments.ts";
import type { CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { formatCount, formatLedgerCost, formatPercent, plural } from "../format.ts";
import { formatTable } from "../table.ts";
import { printJson } from "../terminal.ts";
import { readUsage, resetUsage, usagePath } from "../usage-store.ts";

/** Runs `kimi-provider usage`. */
export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs("usage", args, {
    json: { type: "boolean" },
    reset: { type: "boolean" },
  });
  rejectPositionals("usage", positionals);
  const stateDir = resolveStateDir(undefined, context.env);
  const { terminal } = context;
  if (values.reset) {
    const ledger = await resetUsage(stateDir);
    if (values.json) printJson(terminal, ledger);
    else terminal.out(`Usage totals reset (${usagePath(stateDir)}).\n`);
    return EXIT.ok;
  }
  const ledger = await readUsage(stateDir);
  if (values.json) {
    printJson(terminal, ledger);
    return EXIT.ok;
  }
  const out = terminal.out;
  out(
    `Since ${ledger.since}: ${formatCount(ledger.requests)} ${plural(ledger.requests, "request")} to the service\n`,
  );
  const keyless = (context.env.KIMI_API_KEY ?? "").trim() === "";
  if (ledger.requests === 0) {
    out(
      `Nothing recorded yet: every \`kimi-provider chat\` answer from the service adds its tokens and cost here. Answers of the local emulator (no KIMI_API_KEY) cost nothing and are not recorded${keyless ? "; KIMI_API_KEY is not set, so chats answer from the emulator" : ""}.\n`,
    );
    return EXIT.ok;
  }
  out(
    `tokens  ${formatCount(ledger.promptTokens)} prompt (${formatCount(ledger.cachedTokens)} cached, ${formatPercent(ledger.cacheHitRate)}) + ${formatCount(ledger.completionTokens)} completion\n`,
  );
  const unpriced =
    ledger.unpricedRequests > 0
      ? ` (${ledger.unpricedRequests} of ${ledger.requests} requests with no known cost: no price, or no usage reported)`
      : "";
  out(`cost    ${formatLedgerCost(ledger)}${unpriced}\n`);
  out("(answers of the local emulator are not counted: they cost nothing)\n\n");
  out(
    formatTable(
      [
        { header: "model" },
        { header: "requests", right: true },
        { header: "prompt", right: true },
        { header: "cached", right: true },
        { header: "completion", right: true },
        { header: "cost", right: true },
      ],
      Object.entries(ledger.byModel).map(([id, totals]) => [
        id,
        formatCount(totals.requests),
        formatCount(totals.promptTokens),
        formatPercent(totals.cacheHitRate),
        formatCount(totals.completionTokens),
        formatLedgerCost(totals),
      ]),
    ),
  );
  return EXIT.ok;
}
