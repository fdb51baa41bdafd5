/**
 * `kimi-provider mcp [--http --port N [--host H] [--token T]] [--allow-dir DIR]...`: Kimi as an
 * MCP server for agent hosts (docs/mcp.md). stdio by default: stdout carries only the protocol,
 * everything else goes to stderr. Without KIMI_API_KEY the answers come from the embedded
 * emulator, which the server tells the host in its instructions and in every result.
 */
import { ConfigurationError } from "kimi-provider";
import type { RunningMcpServer } from "../../mcp/start-mcp-server.ts";
import { optionalNumberFlag, parseCommandArgs, portFlag, rejectPositionals } from "../arguments.ts";
import type { CliContext } from "../context.ts";
import { parseDuration } from "../duration.ts";
import { EXIT } from "../exit-codes.ts";
import { listenUsageError } from "../listen-error.ts";
import { openServiceTarget } from "../service.ts";
import { UsageError } from "../usage-error.ts";

/** Port of `mcp --http` when `--port` is not given. */
export const DEFAULT_MCP_PORT = 8789;

const FLAG_OF_SETTING: Record<string, string> = {
  token: "--token",
  maxCostUsd: "--max-cost-usd",
  maxFileBytes: "--max-file-mb",
  "--allow-dir": "--allow-dir",
};

/** Runs `kimi-provider mcp`. */
export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs("mcp", args, {
    http: { type: "boolean" },
    port: { type: "string" },
    host: { type: "string" },
    token: { type: "string" },
    "allow-dir": { type: "string", multiple: true },
    "max-cost-usd": { type: "string" },
    "max-file-mb": { type: "string" },
    "conversation-ttl": { type: "string" },
  });
  rejectPositionals("mcp", positionals);
  if (!values.http) {
    for (const flag of ["port", "host", "token"] as const) {
      if (values[flag] !== undefined) {
        throw new UsageError(
          `--${flag}`,
          `--${flag} only applies to --http (the default is stdio). Add --http, or drop --${flag}.`,
          "mcp",
        );
      }
    }
  }
  const port = portFlag(values.port, DEFAULT_MCP_PORT);
  const maxCostUsd = optionalNumberFlag(values["max-cost-usd"], "--max-cost-usd", {
    min: 0,
    describe: "a number of US dollars, 0 or more",
  });
  const maxFileMb = optionalNumberFlag(values["max-file-mb"], "--max-file-mb", {
    min: 0.000001,
    max: 100,
    describe: "megabytes, more than 0 and at most 100",
  });
  const ttlMs =
    values["conversation-ttl"] === undefined
      ? undefined
      : parseDuration(values["conversation-ttl"], "--conversation-ttl");
  const host = values.host ?? "127.0.0.1";
  const token = values.token ?? context.env.KIMI_MCP_TOKEN;
  const { terminal } = context;

  const { startMcpServer } = await import("../../mcp/start-mcp-server.ts");
  const { isLoopbackHost } = await import("../../mcp/loopback-host.ts");
  // Checked before the emulator starts or anything is served.
  if (values.http && !isLoopbackHost(host) && (token === undefined || token === "")) {
    throw new UsageError(
      "--token",
      `Refusing to serve on ${host} without an access token: anyone who can reach it could spend your Kimi credit. Set --token or KIMI_MCP_TOKEN, or bind to 127.0.0.1.`,
      "mcp",
    );
  }
  const target = await openServiceTarget(context, { verbose: false });
  let server: RunningMcpServer;
  try {
    server = await startMcpServer({
      kimi: target.options,
      demo: target.emulator !== undefined,
      allowDirs: values["allow-dir"] ?? [],
      ...(maxCostUsd === undefined ? {} : { maxCostUsd }),
      ...(maxFileMb === undefined ? {} : { maxFileBytes: Math.floor(maxFileMb * 1024 * 1024) }),
      ...(ttlMs === undefined ? {} : { conversations: { ttlMs } }),
      log: (line) => terminal.err(`kimi-provider mcp: ${line}\n`),
      ...(values.http ? { http: { port, host, ...(token ? { token } : {}) } } : {}),
    });
  } catch (error) {
    await target.close();
    if (error instanceof ConfigurationError && FLAG_OF_SETTING[error.setting]) {
      throw new UsageError(FLAG_OF_SETTING[error.setting] ?? error.setting, error.message, "mcp");
    }
    throw listenUsageError(error, { host, port, command: "mcp" }) ?? error;
  }
  if (server.url !== undefined) {
    terminal.out(
      `MCP server (Streamable HTTP) listening on ${server.url}\n${token ? "Requests must carry Authorization: Bearer <token>.\n" : ""}Ctrl-C stops it.\n`,
    );
  } else {
    terminal.err("kimi-provider mcp: serving MCP on stdio\n");
  }
  const interrupted = new Promise<void>((resolve) => {
    if (context.signal.aborted) resolve();
    else context.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  await Promise.race([server.closed, interrupted]);
  await server.close();
  await target.close();
  return EXIT.ok;
}
