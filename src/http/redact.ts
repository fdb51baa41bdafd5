/**
 * Redaction of secrets from anything the library prints, logs or throws.
 * The API key must never leave the process in a message (DEVELOPERS.md ground rule).
 */

const BEARER = /(Bearer\s+)[^\s"',]+/gi;
const SK_KEY = /\bsk-[A-Za-z0-9_-]{8,}\b/g;

/** Mask shown in place of a secret. */
export const REDACTED = "[REDACTED]";

/**
 * Replaces every occurrence of the given secrets, any `Bearer <token>` and anything shaped like a
 * Moonshot key (`sk-...`) in `text`.
 */
export function redactText(text: string, secrets: readonly (string | undefined)[] = []): string {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) result = result.split(secret).join(REDACTED);
  }
  return result.replace(BEARER, `$1${REDACTED}`).replace(SK_KEY, REDACTED);
}

/** A copy of `headers` with `Authorization` (and any header holding a secret) masked. */
export function redactHeaders(
  headers: Record<string, string>,
  secrets: readonly (string | undefined)[] = [],
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    result[name] =
      name.toLowerCase() === "authorization" ? `Bearer ${REDACTED}` : redactText(value, secrets);
  }
  return result;
}
