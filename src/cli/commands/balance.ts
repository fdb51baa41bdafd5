/**
 * `kimi-provider balance [--json]`: GET /v1/users/me/balance (docs/moonshot-wire.md, "Accounts and hosts"). The envelope is
 * Moonshot's own `{code, data, scode, status}`, not an OpenAI shape; amounts are USD on
 * api.moonshot.ai and CNY on api.moonshot.cn (docs/moonshot-wire.md, "Accounts and hosts").
 */
import { MalformedResponseError } from "kimi-provider";
import { parseCommandArgs, rejectPositionals } from "../arguments.ts";
import type { CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { openService } from "../service.ts";
import { printJson } from "../terminal.ts";

interface BalanceEnvelope {
  code?: unknown;
  data?: { available_balance?: unknown; voucher_balance?: unknown; cash_balance?: unknown };
}

/** The currency of a base URL's balance: CNY on the China platform, USD otherwise. */
export function balanceCurrency(baseURL: string): "USD" | "CNY" {
  return new URL(baseURL).hostname.endsWith(".cn") ? "CNY" : "USD";
}

function amount(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new MalformedResponseError(
      `GET /users/me/balance returned no numeric data.${field}. The service's response format may have changed; run with --verbose and report it.`,
    );
  }
  return value;
}

/** Runs `kimi-provider balance`. */
export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs("balance", args, { json: { type: "boolean" } });
  rejectPositionals("balance", positionals);
  const session = await openService(context, { verbose: values.verbose === true });
  try {
    const body = await session.kimi.http.json<BalanceEnvelope>({
      method: "GET",
      path: "/users/me/balance",
      signal: context.signal,
    });
    const balance = {
      available_balance: amount(body.data?.available_balance, "available_balance"),
      voucher_balance: amount(body.data?.voucher_balance, "voucher_balance"),
      cash_balance: amount(body.data?.cash_balance, "cash_balance"),
      currency: balanceCurrency(session.kimi.config.baseURL),
    };
    if (values.json) {
      printJson(context.terminal, balance);
      return EXIT.ok;
    }
    const format = (value: number) => `${value.toFixed(2)} ${balance.currency}`;
    context.terminal.out(
      `available ${format(balance.available_balance)} (cash ${format(balance.cash_balance)}, voucher ${format(balance.voucher_balance)})\n`,
    );
    if (balance.available_balance <= 0) {
      context.terminal.out(
        "The balance is used up: requests will be refused until you recharge.\n",
      );
    }
    return EXIT.ok;
  } finally {
    await session.close();
  }
}
