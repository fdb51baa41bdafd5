#!/usr/bin/env node
/**
 * `kimi-provider`: the command-line face of the library.
 *
 * This entry point stays tiny so `kimi-provider --help` starts fast: it reads the command name,
 * prints help texts itself, and imports a command's module (and through it the library, or the
 * emulator) only when that command runs.
 */
import type { CliContext, Command } from "./context.ts";
import { didYouMean } from "./did-you-mean.ts";
import { EXIT } from "./exit-codes.ts";
import { COMMAND_HELP, MAIN_HELP } from "./help.ts";
import { processTerminal } from "./terminal.ts";

const COMMANDS: Record<string, () => Promise<{ run: Command }>> = {
  chat: () => import("./commands/chat.ts"),
  models: () => import("./commands/models.ts"),
  files: () => import("./commands/files.ts"),
  tokens: () => import("./commands/tokens.ts"),
  cost: () => import("./commands/cost.ts"),
  balance: () => import("./commands/balance.ts"),
  usage: () => import("./commands/usage.ts"),
  emulator: () => import("./commands/emulator.ts"),
  mcp: () => import("./commands/mcp.ts"),
  gateway: () => import("./commands/gateway.ts"),
  sessions: () => import("./commands/sessions.ts"),
  doctor: () => import("./commands/doctor.ts"),
};

function wantsHelp(args: readonly string[]): boolean {
  for (const arg of args) {
    if (arg === "--") return false;
    if (arg === "--help" || arg === "-h") return true;
  }
  return false;
}

async function version(): Promise<string> {
  const { createRequire } = await import("node:module");
  // Same relative path from src/cli/main.ts and from dist/cli/main.js.
  const pkg = createRequire(import.meta.url)("../../package.json") as { version?: string };
  return pkg.version ?? "unknown";
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const terminal = processTerminal();
  let verbose = false;
  let index = 0;
  for (; index < argv.length; index++) {
    const arg = argv[index] ?? "";
    if (!arg.startsWith("-")) break;
    if (arg === "--help" || arg === "-h") {
      terminal.out(MAIN_HELP);
      return EXIT.ok;
    }
    if (arg === "--version" || arg === "-V") {
      terminal.out(`${await version()}\n`);
      return EXIT.ok;
    }
    if (arg === "--verbose") {
      verbose = true;
      continue;
    }
    terminal.err(
      `kimi-provider: usage error (${arg}): unknown option ${arg} before the command.${didYouMean(arg, ["--help", "--version", "--verbose"])} Run \`kimi-provider --help\`.\n`,
    );
    return EXIT.usage;
  }
  let name = argv[index];
  let args = argv.slice(index + 1);
  if (name === "help") {
    name = args[0];
    args = ["--help"];
    if (name === undefined) {
      terminal.out(MAIN_HELP);
      return EXIT.ok;
    }
  }
  if (name === undefined) {
    terminal.err(MAIN_HELP);
    return EXIT.usage;
  }
  const load = COMMANDS[name];
  const help = COMMAND_HELP[name];
  if (load === undefined || help === undefined) {
    terminal.err(
      `kimi-provider: usage error (${name}): unknown command "${name}".${didYouMean(name, Object.keys(COMMANDS))} Commands: ${Object.keys(COMMANDS).join(", ")}. Run \`kimi-provider --help\`.\n`,
    );
    return EXIT.usage;
  }
  if (wantsHelp(args)) {
    terminal.out(help);
    return EXIT.ok;
  }

  const controller = new AbortController();
  let interrupts = 0;
  let claimedBy: (() => void) | undefined;
  const onInterrupt = () => {
    if (claimedBy !== undefined) {
      claimedBy();
      return;
    }
    onSignal();
  };
  const onSignal = () => {
    interrupts += 1;
    // A second Ctrl-C means "stop now", even if cleanup is still running.
    if (interrupts > 1) process.exit(EXIT.interrupted);
    controller.abort();
  };
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onSignal);
  const context: CliContext = {
    terminal,
    env: process.env,
    signal: controller.signal,
    verbose,
    claimInterrupts: (handler) => {
      claimedBy = handler;
      return () => {
        if (claimedBy === handler) claimedBy = undefined;
      };
    },
  };
  try {
    const { run } = await load();
    return await run(args, context);
  } catch (error) {
    const { describeFailure, exitCodeFor } = await import("./failure.ts");
    const secrets = [process.env.KIMI_API_KEY?.trim()];
    if (controller.signal.aborted) {
      terminal.err("kimi-provider: interrupted\n");
      return EXIT.interrupted;
    }
    terminal.err(describeFailure(error, secrets));
    return exitCodeFor(error);
  } finally {
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onSignal);
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
