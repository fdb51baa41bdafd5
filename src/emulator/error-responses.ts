/**
 * The service's error envelope `{"error":{"message","type"}}` (in that key order, `<` and `>`
 * escaped as `\u003c`/`\u003e`, no `code`, no `param`; docs/moonshot-wire.md "Errors") and the
 * message templates, in one place so tests and handlers agree.
 */

/** An error the emulator answers with; thrown by validators, caught by the router. */
export class EmulatorApiError extends Error {
  /** HTTP status. */
  readonly status: number;
  /** Moonshot's `error.type`. */
  readonly type: string;
  /** Extra response headers (the waits of a rate-limit 429). */
  readonly headers: Readonly<Record<string, string>>;
  constructor(
    status: number,
    type: string,
    message: string,
    headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "EmulatorApiError";
    this.status = status;
    this.type = type;
    this.headers = headers;
  }
}

/**
 * JSON text with `<` and `>` escaped as `\u003c`/`\u003e`, as the service's encoder writes them
 * (recorded in error bodies, docs/moonshot-wire.md "Errors"). Both characters only occur inside
 * JSON strings, so the replacement keeps the document valid and equal once parsed.
 */
export function escapeAngleBrackets(json: string): string {
  return json.replace(/</g, "\\u003c").replace(/>/g, "\\u003e");
}

/** The JSON body of an error response: `{"error":{"message":…,"type":…}}`. */
export function errorBody(type: string, message: string): string {
  return escapeAngleBrackets(JSON.stringify({ error: { message, type } }));
}

const WAIT = /please try again after (\d+) seconds?/;

/**
 * The headers of a 429: a rate-limit 429 whose text names a wait ("please try again after N
 * seconds") carries `Retry-After`, `X-Retry-After` and `Msh-Cooldown-Seconds` with that N; other
 * errors, the overload 429 included, carry none (docs/moonshot-wire.md "Rate limits").
 */
export function rateLimitHeaders(
  status: number,
  type: string,
  message: string,
): Record<string, string> {
  if (status !== 429 || type !== "rate_limit_reached_error") return {};
  const wait = WAIT.exec(message)?.[1];
  if (wait === undefined) return {};
  return { "retry-after": wait, "x-retry-after": wait, "msh-cooldown-seconds": wait };
}

/** 400 `invalid_request_error` with the message as given. */
export function invalidRequest(message: string): EmulatorApiError {
  return new EmulatorApiError(400, "invalid_request_error", message);
}

/** 400 with the service's `Invalid request: {details}` template. */
export function invalidRequestDetails(details: string): EmulatorApiError {
  return invalidRequest(`Invalid request: ${details}`);
}

/** 404 for an unknown, retired or unserved model (recorded text). */
export function modelNotFound(model: string): EmulatorApiError {
  return new EmulatorApiError(
    404,
    "resource_not_found_error",
    `Not found the model ${model} or Permission denied`,
  );
}

/** 401 for a missing or wrong key (recorded text). */
export function invalidAuthentication(): EmulatorApiError {
  return new EmulatorApiError(401, "invalid_authentication_error", "Invalid Authentication");
}

/** 404 for a file id the store does not know. */
export function fileNotFound(id: string): EmulatorApiError {
  return new EmulatorApiError(404, "resource_not_found_error", `file ${id} not found`);
}

/** Organisation and key labels used in account-scoped messages (`{organization-id}<{ak-id}>`). */
export const ACCOUNT_LABEL = "org-emulator<ak-emulator>";

/**
 * 429 once the balance is gone (2026 wording, recorded: the account prefix, a space, then the key
 * in angle brackets).
 */
export function quotaExceeded(): EmulatorApiError {
  return new EmulatorApiError(
    429,
    "exceeded_current_quota_error",
    "Your account org-emulator <ak-emulator> is suspended due to insufficient balance, please recharge your account or check your plan and billing details",
  );
}
