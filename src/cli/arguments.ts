/**
 * Argument parsing on top of `node:util` `parseArgs`: its errors become {@link UsageError}s that
 * name the command's `--help`, and flag values are checked (numbers, ranges) with messages that
 * name the flag.
 */
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { didYouMean } from "./did-you-mean.ts";
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
  const all: ParseArgsOptionsConfig = { ...COMMON_OPTIONS, ...options };
  try {
    return parseArgs({
      args: attachNegativeNumbers(args, all),
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
      const known = Object.keys(all).map((name) => `--${name}`);
      const hint = flag.startsWith("--") ? didYouMean(flag, known) : "";
      what = `Unknown option ${flag} for \`${command}\`.${hint} (A prompt or value starting with "-" goes after \`--\`.)`;
    } else if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && flag !== undefined) {
      const long = flag.split(", ").pop() ?? flag;
      // Node refuses a value that starts with "-" after a space (it could be another flag).
      what = /ambiguous/i.test(message)
        ? `Option ${flag} was followed by a value starting with "-": write it as ${long}=VALUE if that is the value, or give ${flag} a value.`
        : `Option ${flag} needs a value.`;
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

/** A value that is a negative number (`-5`, `-0.5`, `-.5`), never a flag. */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * `--max-tokens -5` as `--max-tokens=-5`: `parseArgs` reads a value after a space that starts
 * with "-" as a missing value, so a negative number would be reported as "needs a value" instead
 * of the invalid value it is. No flag of the CLI looks like a number, so this is unambiguous.
 */
function attachNegativeNumbers(args: readonly string[], options: ParseArgsOptionsConfig): string[] {
  const longOf = new Map<string, string>();
  for (const [name, option] of Object.entries(options)) {
    if (option.type !== "string") continue;
    longOf.set(`--${name}`, name);
    if (option.short !== undefined) longOf.set(`-${option.short}`, name);
  }
  const result: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") {
      result.push(...args.slice(i));
      break;
    }
    const name = longOf.get(arg);
    const next = args[i + 1];
    if (name !== undefined && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      result.push(`--${name}=${next}`);
      i++;
      continue;
    }
    result.push(arg);
  }
  return result;
}

/** Bounds and kind of a numeric flag. */
export interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
  /** Human description used in the message, e.g. "a number from 0 to 1". */
  describe: string;
}

/** Whole numbers in plain decimal digits, optionally negative: no `0x10`, `1e3`, `+5` or spaces. */
const INTEGER_TEXT = /^-?\d+$/;
/** Decimal numbers: `0.5`, `.5`, `-2`, `1.`; no exponent, hex, sign `+` or spaces. */
const DECIMAL_TEXT = /^-?(\d+\.?\d*|\.\d+)$/;

/**
 * Parses a numeric flag value; throws a {@link UsageError} naming `flag` and the expected form
 * when invalid. Only plain decimal notation is accepted: `Number()` would also take `0x10`, `1e3`
 * and surrounding spaces, which in a flag are far more likely a slip than a meaning.
 */
export function parseNumberFlag(value: string, flag: string, rule: NumberRule): number {
  const form = rule.integer === true ? INTEGER_TEXT : DECIMAL_TEXT;
  const parsed = form.test(value) ? Number(value) : Number.NaN;
  const valid =
    Number.isFinite(parsed) &&
    (rule.integer !== true || Number.isInteger(parsed)) &&
    (rule.min === undefined || parsed >= rule.min) &&
    (rule.max === undefined || parsed <= rule.max);
  if (!valid) {
    throw new UsageError(
      flag,
      `${flag} ${JSON.stringify(value)} is invalid: use ${rule.describe}, written in plain decimal digits (e.g. ${example(rule)}).`,
    );
  }
  return parsed;
}

function example(rule: NumberRule): string {
  const low = rule.min ?? 0;
  if (rule.integer === true) return String(Math.max(low, Math.min(rule.max ?? 1024, 1024)));
  return String(rule.max !== undefined && rule.max <= 1 ? 0.5 : Math.max(low, 1.5));
}

/** Parses an optional numeric flag (undefined stays undefined). */
export function optionalNumberFlag(
  value: string | undefined,
  flag: string,
  rule: NumberRule,
): number | undefined {
  return value === undefined ? undefined : parseNumberFlag(value, flag, rule);
}

/** The `--port` flag of a server command: a TCP port, 0 for a free one, `fallback` when absent. */
export function portFlag(value: string | undefined, fallback: number): number {
  return (
    optionalNumberFlag(value, "--port", {
      min: 0,
      max: 65_535,
      integer: true,
      describe: "a TCP port from 0 to 65535 (0 picks a free one)",
    }) ?? fallback
  );
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
