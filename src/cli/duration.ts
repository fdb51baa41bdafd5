/**
 * Durations given on the command line (`--older-than 7d`, `90m`, `1h30m`, `45s`, `2w`).
 */
import { UsageError } from "./usage-error.ts";

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;

/**
 * Parses a duration such as `7d` or `1h30m` into milliseconds. Throws a {@link UsageError}
 * naming `flag` when the text is not a duration.
 */
export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim();
  let total = 0;
  PART.lastIndex = 0;
  let consumed = 0;
  for (let match = PART.exec(trimmed); match !== null; match = PART.exec(trimmed)) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ""] ?? 0);
    consumed = PART.lastIndex;
  }
  if (trimmed === "" || consumed !== trimmed.length) {
    throw new UsageError(
      flag,
      `${flag} ${JSON.stringify(text)} is not a duration. Use a number and a unit (ms, s, m, h, d, w), e.g. 30m, 12h, 7d or 1h30m.`,
    );
  }
  return total;
}
