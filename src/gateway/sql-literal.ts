/**
 * SQL literals for the one statement the gateway runs without parameters on its hot path: the
 * ledger upsert (src/gateway/usage-ledger.ts). A statement with parameters takes PostgreSQL's
 * extended protocol (parse, bind, describe, execute), which the embedded PGlite runs at about two
 * to three times the CPU of the same statement sent as one simple query; the ledger commits every
 * few milliseconds under load, on the thread that serves requests.
 *
 * Strings are quoted as `pg`'s `escapeLiteral` does: quotes doubled, and, when there is a
 * backslash, an `E'...'` literal with backslashes doubled, so the text reads back the same
 * whatever `standard_conforming_strings` is. Numbers are written only when finite.
 */

/** `text` as a PostgreSQL string literal. */
export function sqlString(text: string): string {
  const quoted = text.replaceAll("'", "''");
  return text.includes("\\") ? `E'${quoted.replaceAll("\\", "\\\\")}'` : `'${quoted}'`;
}

/** `value` as a PostgreSQL numeric literal; `undefined` for NaN and infinities. */
export function sqlNumber(value: number): string | undefined {
  return Number.isFinite(value) ? String(value) : undefined;
}
