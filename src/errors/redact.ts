/**
 * Redaction of secrets from anything the library prints, logs or throws.
 * The API key must never leave the process in a message, whatever the text came from: a server
 * may echo the `Authorization` header back in an error page, a malformed body or a stream.
 */

const BEARER = /(Bearer\s+)[^\s"',]+/gi;
const SK_KEY = /\bsk-[A-Za-z0-9_-]{8,}\b/g;

/** Mask shown in place of a secret. */
export const REDACTED = "[REDACTED]";

/**
 * Replaces every occurrence of the given secrets (whatever their length: a short key is still a
 * key), any `Bearer <token>` and anything shaped like a Moonshot key (`sk-...`) in `text`.
 */
export function redactText(text: string, secrets: readonly (string | undefined)[] = []): string {
  let result = text;
  for (const secret of secrets) {
    if (secret) result = result.split(secret).join(REDACTED);
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

/** How deep {@link redactError} follows `cause` chains and nested values. */
const MAX_DEPTH = 8;

function redactValue(
  value: unknown,
  secrets: readonly (string | undefined)[],
  depth: number,
  seen: Set<object>,
): unknown {
  if (typeof value === "string") return redactText(value, secrets);
  if (value === null || typeof value !== "object" || depth > MAX_DEPTH) return value;
  if (seen.has(value)) return value;
  seen.add(value);
  if (value instanceof Error) {
    redactErrorFields(value, secrets, depth, seen);
    return value;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++)
      value[i] = redactValue(value[i], secrets, depth + 1, seen);
    return value;
  }
  if (Object.isFrozen(value)) return value;
  for (const key of Object.keys(value)) {
    const record = value as Record<string, unknown>;
    const descriptor = Object.getOwnPropertyDescriptor(record, key);
    if (descriptor && "value" in descriptor && descriptor.writable) {
      record[key] = redactValue(descriptor.value, secrets, depth + 1, seen);
    }
  }
  return value;
}

function redactErrorFields(
  error: Error,
  secrets: readonly (string | undefined)[],
  depth: number,
  seen: Set<object>,
): void {
  // `message`, `stack` (which repeats the message, and is what util.inspect prints), `cause`,
  // AggregateError's `errors`, and every other own field (a body, raw arguments, partial text).
  const names = new Set<string>([...Object.getOwnPropertyNames(error), "message", "stack"]);
  for (const name of names) {
    const descriptor = Object.getOwnPropertyDescriptor(error, name);
    if (!descriptor) continue;
    if (!("value" in descriptor)) {
      // V8 keeps `stack` behind an accessor: read it once and store the redacted text instead.
      if (name !== "stack" || !descriptor.configurable) continue;
      const stack: unknown = error.stack;
      if (typeof stack !== "string") continue;
      const redacted = redactText(stack, secrets);
      if (redacted !== stack) {
        Object.defineProperty(error, "stack", {
          value: redacted,
          writable: true,
          enumerable: false,
          configurable: true,
        });
      }
      continue;
    }
    const redacted = redactValue(descriptor.value, secrets, depth + 1, seen);
    if (redacted === descriptor.value) continue;
    if (descriptor.writable || descriptor.configurable) {
      // Readonly class fields are plain writable data properties at run time; a frozen or
      // non-configurable foreign field is left alone.
      Object.defineProperty(error, name, { ...descriptor, value: redacted });
    }
  }
}

/**
 * Removes `secrets` (and anything shaped like a key) from every string `error` carries: its
 * message and stack, its own fields, and its `cause` chain (other errors, strings, plain objects),
 * in place. Returns `error`, for `throw redactError(error, [key])`.
 */
export function redactError<T>(error: T, secrets: readonly (string | undefined)[]): T {
  return redactValue(error, secrets, 0, new Set()) as T;
}
