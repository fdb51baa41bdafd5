/**
 * "Did you mean …?" for a mistyped command, subcommand, flag or slash command: the closest known
 * word by edit distance, when it is close enough to be a plausible slip.
 */

/** Levenshtein distance between `a` and `b` (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The known word closest to `input` (case-insensitive), if within a third of its length (at
 * least 1, at most 3 edits), or a word that starts with `input` when it is a prefix of one only.
 */
export function closestMatch(input: string, known: readonly string[]): string | undefined {
  const typed = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const word of known) {
    const d = distance(typed, word.toLowerCase());
    if (d < bestDistance) {
      best = word;
      bestDistance = d;
    }
  }
  const allowed = Math.min(3, Math.max(1, Math.floor(typed.length / 3)));
  if (best !== undefined && bestDistance <= allowed) return best;
  const prefixed = known.filter((word) => word.toLowerCase().startsWith(typed));
  return typed.length >= 2 && prefixed.length === 1 ? prefixed[0] : undefined;
}

/** ` Did you mean X?` or `""`. */
export function didYouMean(input: string, known: readonly string[]): string {
  const match = closestMatch(input, known);
  return match === undefined ? "" : ` Did you mean ${match}?`;
}
