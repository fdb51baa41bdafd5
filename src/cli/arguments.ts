/**
 * Argument parsing on top of `node:util` `parseArgs`: its errors become {@link UsageError}s that
 * name the command's `--help`, and flag values are checked (numbers, ranges) with messages that
 * name the flag.
 */
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { UsageError } from "./usage-error.ts";

/** Flags every command accepts. */
export const COMMON_OPTIONS = {
  help: { type: "boolean", short: "h" },
  verbose: { type: "boolean" },
} as const satisfies ParseArgsOptionsConfig;

/**
 * Parses `args` for `command` with `options` (plus {@link COMMON_OPTIONS}); positionals allowed.
 * Unknown flags and missing values throw a {@link UsageError} (exit 2).
 */
export function parseCommandArgs<T extends ParseArgsOptionsConfig>(
  command: string,
  args: readonly string[],
  options: T,
) {
  try {
    return parseArgs({
      args: [...args],
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown }).code;
    // Node quotes the option: '--bogus', or '-m, --model <value>' for a missing value.
    const flag = /'(-[^']*)'/.exec(message)?.[1]?.replace(/ <value>$/, "");
    let what: string;
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && flag !== undefined) {
      what = `Unknown option ${flag} for \`${command}\` (a prompt or value starting with "-" goes after \`--\`).`;
    } else if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && flag !== undefined) {
      what = `Option ${flag} needs a value.`;
    } else {
      what = message.replace(/\.?$/, ".");
    }
    throw new UsageError(
      flag?.split(", ").pop() ?? command,
      `${what} Run \`kimi-provider ${command} --help\` for the options.`,
      command,
    );
  }
}

/** Bounds and kind of a numeric flag. */
export interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
  /** Human description used in the message, e.g. "a number from 0 to 1". */
  describe: string;
}

/** Parses a numeric flag value; throws a {@link UsageError} naming `flag` when invalid. */
export function parseNumberFlag(value: string, flag: string, rule: NumberRule): number {
  const trimmed = value.trim();
  const parsed = trimmed === "" ? Number.NaN : Number(trimmed);
  const valid =
    Number.isFinite(parsed) &&
    (rule.integer !== true || Number.isInteger(parsed)) &&
    (rule.min === undefined || parsed >= rule.min) &&
    (rule.max === undefined || parsed <= rule.max);
  if (!valid) {
    throw new UsageError(
      flag,
      `${flag} ${JSON.stringify(value)} is invalid: use ${rule.describe}.`,
    );
  }
  return parsed;
}

/** Parses an optional numeric flag (undefined stays undefined). */
export function optionalNumberFlag(
  value: string | undefined,
  flag: string,
  rule: NumberRule,
): number | undefined {
  return value === undefined ? undefined : parseNumberFlag(value, flag, rule);
}

/** Throws a {@link UsageError} when extra positionals were given to a command that takes none. */
export function rejectPositionals(command: string, positionals: readonly string[]): void {
  if (positionals.length > 0) {
    throw new UsageError(
      command,
      `\`kimi-provider ${command}\` takes no argument, got ${JSON.stringify(positionals[0])}. Run \`kimi-provider ${command} --help\`.`,
      command,
    );
  }
}
