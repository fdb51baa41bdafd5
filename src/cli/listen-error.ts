/**
 * The usage error for a server command (`emulator`, `gateway`, `mcp --http`) that could not
 * listen: a port in use, or an address this machine cannot bind. One wording for every command.
 */
import { UsageError } from "./usage-error.ts";

/** `error` as a {@link UsageError} naming the flag to change, or `undefined` if it is not a listen failure. */
export function listenUsageError(
  error: unknown,
  where: { host: string; port: number; command: string },
): UsageError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "EADDRINUSE") {
    return new UsageError(
      "--port",
      `Port ${where.port} is already in use: pick another with --port N (0 picks a free one).`,
      where.command,
    );
  }
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EACCES") {
    return new UsageError(
      "--host",
      `Cannot listen on ${where.host}:${where.port} (${String(code)}): check --host and --port.`,
      where.command,
    );
  }
  return undefined;
}
