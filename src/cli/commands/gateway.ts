/**
 * `kimi-provider gateway`: runs the OpenAI-compatible gateway in front of Kimi until Ctrl-C
 * (docs/gateway.md), and manages its state: `gateway keys create|list|revoke`, `gateway usage`.
 * The state is the embedded PGlite under KIMI_STATE_DIR, or KIMI_GATEWAY_DATABASE_URL; while a
 * gateway runs on the embedded database, these commands reach it through the gateway.
 */
import { readFile } from "node:fs/promises";
import { resolveStateDir } from "kimi-provider/internal";
import type { GatewayKey } from "../../gateway/key-store.ts";
import { optionalNumberFlag, parseCommandArgs, portFlag, rejectPositionals } from "../arguments.ts";
import type { CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { formatCount, formatUsd } from "../format.ts";
import { listenUsageError } from "../listen-error.ts";
import { NO_KEY_NOTICE } from "../service.ts";
import { formatTable } from "../table.ts";
import { printJson } from "../terminal.ts";
import { UsageError } from "../usage-error.ts";

async function withDatabase<T>(
  context: CliContext,
  work: (db: import("../../gateway/sql-database.ts").SqlDatabase) => Promise<T>,
): Promise<T> {
  const { openGatewayDatabase } = await import("../../gateway/open-database.ts");
  const db = await openGatewayDatabase({
    databaseUrl: context.env.KIMI_GATEWAY_DATABASE_URL?.trim() || undefined,
    stateDir: resolveStateDir(undefined, context.env),
    serve: false,
  });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

function keyRow(key: GatewayKey): string[] {
  return [
    key.id,
    key.name,
    key.budgetUsdPerDay === null ? "-" : formatUsd(key.budgetUsdPerDay),
    key.rpmLimit === null ? "-" : String(key.rpmLimit),
    key.createdAt.slice(0, 19).replace("T", " "),
    key.revokedAt === null ? "active" : `revoked ${key.revokedAt.slice(0, 10)}`,
  ];
}

async function keys(args: readonly string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs("gateway", args, {
    json: { type: "boolean" },
    "budget-usd": { type: "string" },
    rpm: { type: "string" },
  });
  const [action, ...rest] = positionals;
  const { terminal } = context;
  if (action === "create") {
    const name = rest.join(" ").trim();
    if (name === "") {
      throw new UsageError(
        "NAME",
        "Name the key: `kimi-provider gateway keys create NAME`.",
        "gateway",
      );
    }
    const budgetUsdPerDay = optionalNumberFlag(values["budget-usd"], "--budget-usd", {
      min: 0,
      describe: "USD per UTC day, a number of 0 or more",
    });
    const rpmLimit = optionalNumberFlag(values.rpm, "--rpm", {
      min: 1,
      integer: true,
      describe: "requests per minute, a whole number of 1 or more",
    });
    const { createGatewayKey } = await import("../../gateway/key-store.ts");
    const created = await withDatabase(context, (db) =>
      createGatewayKey(db, { name, budgetUsdPerDay, rpmLimit }),
    );
    if (values.json) {
      printJson(terminal, { key: created.key, ...created.record });
    } else {
      terminal.out(
        `Created gateway key ${created.record.id} ("${name}"). Give this key to the client; it is shown only once:\n\n  ${created.key}\n\n`,
      );
    }
    return EXIT.ok;
  }
  if (action === "list") {
    rejectPositionals("gateway", rest);
    const { listGatewayKeys } = await import("../../gateway/key-store.ts");
    const list = await withDatabase(context, (db) => listGatewayKeys(db));
    if (values.json) {
      printJson(terminal, list);
      return EXIT.ok;
    }
    if (list.length === 0) {
      terminal.out("No gateway keys: the gateway serves loopback clients only.\n");
      return EXIT.ok;
    }
    terminal.out(
      formatTable(
        [
          { header: "id" },
          { header: "name" },
          { header: "budget/day", right: true },
          { header: "rpm", right: true },
          { header: "created" },
          { header: "status" },
        ],
        list.map(keyRow),
      ),
    );
    return EXIT.ok;
  }
  if (action === "revoke") {
    const id = rest[0];
    if (id === undefined || rest.length > 1) {
      throw new UsageError(
        "ID",
        "Name one key id: `kimi-provider gateway keys revoke kgw-...`.",
        "gateway",
      );
    }
    const { revokeGatewayKey } = await import("../../gateway/key-store.ts");
    const revoked = await withDatabase(context, (db) => revokeGatewayKey(db, id));
    if (revoked === undefined) {
      throw new UsageError(
        "ID",
        `No gateway key ${id}: see \`kimi-provider gateway keys list\`.`,
        "gateway",
      );
    }
    if (values.json) printJson(terminal, revoked);
    else terminal.out(`Revoked gateway key ${revoked.id} ("${revoked.name}").\n`);
    return EXIT.ok;
  }
  throw new UsageError(
    "keys",
    "Use `gateway keys create NAME`, `gateway keys list` or `gateway keys revoke ID`.",
    "gateway",
  );
}

async function usage(args: readonly string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs("gateway", args, { json: { type: "boolean" } });
  rejectPositionals("gateway", positionals);
  const { readLedger } = await import("../../gateway/usage-ledger.ts");
  const rows = await withDatabase(context, (db) => readLedger(db));
  const { terminal } = context;
  if (values.json) {
    printJson(terminal, rows);
    return EXIT.ok;
  }
  if (rows.length === 0) {
    terminal.out("Nothing recorded yet: every request the gateway serves adds to this ledger.\n");
    return EXIT.ok;
  }
  terminal.out(
    formatTable(
      [
        { header: "day" },
        { header: "key" },
        { header: "model" },
        { header: "requests", right: true },
        { header: "prompt", right: true },
        { header: "cached", right: true },
        { header: "completion", right: true },
        { header: "cost", right: true },
      ],
      rows.map((row) => [
        row.day,
        row.keyId,
        row.model,
        formatCount(row.requests),
        formatCount(row.promptTokens),
        formatCount(row.cachedTokens),
        formatCount(row.completionTokens),
        formatUsd(row.costUsd),
      ]),
    ),
  );
  return EXIT.ok;
}

async function serve(args: readonly string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs("gateway", args, {
    port: { type: "string" },
    host: { type: "string" },
    config: { type: "string" },
  });
  rejectPositionals("gateway", positionals);
  const { DEFAULT_GATEWAY_PORT, startGateway } = await import("../../gateway/gateway-server.ts");
  const port = portFlag(values.port, DEFAULT_GATEWAY_PORT);
  const host = values.host ?? "127.0.0.1";
  let config: unknown;
  if (values.config !== undefined) {
    try {
      config = JSON.parse(await readFile(values.config, "utf8"));
    } catch (error) {
      throw new UsageError(
        "--config",
        `Cannot read the gateway config ${values.config} (${error instanceof Error ? error.message : String(error)}): give a JSON file.`,
        "gateway",
      );
    }
  }
  const { resolveGatewayConfig } = await import("../../gateway/gateway-config.ts");
  const { terminal } = context;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await startGateway({
      port,
      host,
      env: context.env,
      config: resolveGatewayConfig(config, values.config ?? "options"),
      log: (line) => terminal.err(`gateway: ${line}\n`),
    });
  } catch (error) {
    throw listenUsageError(error, { host, port, command: "gateway" }) ?? error;
  }
  if (gateway.emulator !== undefined) terminal.err(`${NO_KEY_NOTICE}\n`);
  terminal.out(
    `kimi-provider gateway listening on ${gateway.baseURL}\n` +
      (gateway.keysRequired
        ? "gateway keys required: clients send one as their API key\n"
        : "no gateway keys: serving loopback clients only (any API key is accepted from this machine)\n") +
      `upstream ${gateway.upstreamBaseURL}\n` +
      `state ${gateway.database}\n` +
      `OpenAI-compatible clients: baseURL "${gateway.baseURL}". Ctrl-C stops it.\n`,
  );
  await new Promise<void>((resolve) => {
    if (context.signal.aborted) resolve();
    else context.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  await gateway.close();
  return EXIT.ok;
}

/** Runs `kimi-provider gateway`. */
export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const [first, ...rest] = args;
  if (first === "keys") return keys(rest, context);
  if (first === "usage") return usage(rest, context);
  return serve(args, context);
}
