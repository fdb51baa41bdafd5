/**
 * Where a relayed stream carries its usage. Moonshot puts it in `choices[0].usage` of the finish
 * chunk, and with `include_usage` also in an extra chunk with `choices: []`
 * (docs/moonshot-wire.md, "Streams"). OpenAI clients read the top-level `usage`, and some break
 * on a `choices: []` chunk they did not ask for. So when the client did not ask for it, the
 * finish chunk gets the usage at its top level and the extra chunk is not relayed; when it did,
 * the stream passes unchanged.
 */

/** What to do with one chunk: pass it as received, send a rewritten one, or drop it. */
export type ChunkAction =
  | { action: "pass" }
  | { action: "rewrite"; chunk: unknown }
  | { action: "drop" };

/** Decides the fate of `chunk` for a client that did not ask for the usage chunk. */
export function placeUsage(chunk: unknown): ChunkAction {
  if (chunk === null || typeof chunk !== "object") return { action: "pass" };
  const typed = chunk as { choices?: unknown; usage?: unknown };
  if (!Array.isArray(typed.choices)) return { action: "pass" };
  if (typed.choices.length === 0 && typed.usage !== undefined) return { action: "drop" };
  const first = typed.choices[0] as { usage?: unknown } | undefined;
  if (typed.usage === undefined && first?.usage !== undefined && first.usage !== null) {
    return { action: "rewrite", chunk: { ...typed, usage: first.usage } };
  }
  return { action: "pass" };
}
