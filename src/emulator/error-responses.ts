/**
 * The service's error envelope `{"error":{"type","message"}}` (reference §5.1: no `code`, no
 * `param`) and the message templates of §5.2, in one place so tests and handlers agree.
 */

/** An error the emulator answers with; thrown by validators, caught by the router. */
export class EmulatorApiError extends Error {
  /** HTTP status. */
  readonly status: number;
  /** Moonshot's `error.type`. */
  readonly type: string;
  constructor(status: number, type: string, message: string) {
    super(message);
    this.name = "EmulatorApiError";
    this.status = status;
    this.type = type;
  }
}

/** The JSON body of an error response. */
export function errorBody(type: string, message: string): string {
  return JSON.stringify({ error: { type, message } });
}

/** 400 `invalid_request_error` with the message as given. */
export function invalidRequest(message: string): EmulatorApiError {
  return new EmulatorApiError(400, "invalid_request_error", message);
}

/** 400 with the service's `Invalid request: {details}` template (§5.2). */
export function invalidRequestDetails(details: string): EmulatorApiError {
  return invalidRequest(`Invalid request: ${details}`);
}

/** 404 for an unknown, retired or unserved model (§5.2). */
export function modelNotFound(model: string): EmulatorApiError {
  return new EmulatorApiError(
    404,
    "resource_not_found_error",
    `Not found the model ${model} or Permission denied`,
  );
}

/** 401 for a missing or wrong key (§5.2). */
export function invalidAuthentication(): EmulatorApiError {
  return new EmulatorApiError(401, "invalid_authentication_error", "Invalid Authentication");
}

/** 404 for a file id the store does not know. */
export function fileNotFound(id: string): EmulatorApiError {
  return new EmulatorApiError(404, "resource_not_found_error", `file ${id} not found`);
}

/** Organisation and key labels used in account-scoped messages (§5.2 `{organization-id}<{ak-id}>`). */
export const ACCOUNT_LABEL = "org-emulator<ak-emulator>";

/** 429 once the balance is gone (2026 wording, §5.2 "Observed real variants"). */
export function quotaExceeded(): EmulatorApiError {
  return new EmulatorApiError(
    429,
    "exceeded_current_quota_error",
    "Your account is suspended due to insufficient balance, please recharge your account or check your plan and billing details",
  );
}
