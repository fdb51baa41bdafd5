/**
 * Errors as the gateway answers them: Moonshot's envelope `{"error":{"message","type"}}`
 * (docs/moonshot-wire.md, "Errors"), which OpenAI clients also parse, with two additions: `code`,
 * our stable error code, and `upstream`, what the service itself said when the error came from it.
 * `message` is always our explanation with what to do. Nothing in it ever contains the upstream
 * key: the library's errors are redacted when they are built.
 */
import type { ServerResponse } from "node:http";
import { KimiError } from "kimi-provider";

/** An error the gateway answers with. */
export interface GatewayErrorBody {
  /** HTTP status. */
  status: number;
  /** Moonshot's error type, e.g. `invalid_request_error`. */
  type: string;
  /** Our stable code, e.g. `invalid_request`, `budget_exceeded`. */
  code: string;
  /** What happened and what to do. */
  message: string;
  /** Seconds the client should wait before retrying (sent as `Retry-After`), when known. */
  retryAfterSeconds?: number | undefined;
  /** The service's own answer, when the error came from upstream. */
  upstream?: { status: number | undefined; type: string | undefined; message: string } | undefined;
}

/** A refusal by the gateway itself (bad input, authentication, limits); nothing was sent upstream. */
export class GatewayRefusal extends Error {
  /** The answer to send. */
  readonly body: GatewayErrorBody;
  constructor(body: GatewayErrorBody) {
    super(body.message);
    this.name = "GatewayRefusal";
    this.body = body;
  }
}

/** A 400 `invalid_request_error` refusal. */
export function invalidRequest(message: string, status = 400): GatewayRefusal {
  return new GatewayRefusal({
    status,
    type: "invalid_request_error",
    code: "invalid_request",
    message,
  });
}

/** Moonshot's type for each library error code the gateway can relay. */
const TYPE_BY_CODE: Partial<Record<KimiError["code"], string>> = {
  authentication_failed: "invalid_authentication_error",
  permission_denied: "permission_denied_error",
  not_found: "resource_not_found_error",
  model_not_found: "resource_not_found_error",
  invalid_request: "invalid_request_error",
  context_overflow: "invalid_request_error",
  content_filter: "content_filter",
  rate_limited: "rate_limit_reached_error",
  quota_exceeded: "exceeded_current_quota_error",
  overloaded: "engine_overloaded_error",
  file_limit_exceeded: "invalid_request_error",
  invalid_file: "invalid_request_error",
};

/** Status of a library error raised without an upstream answer (502: upstream unreachable). */
const STATUS_WITHOUT_RESPONSE: Partial<Record<KimiError["code"], number>> = {
  invalid_file: 400,
  invalid_request: 400,
  timeout: 504,
  aborted: 499,
};

/** The answer for any error thrown while serving a request. */
export function errorBodyFor(error: unknown): GatewayErrorBody {
  if (error instanceof GatewayRefusal) return error.body;
  if (error instanceof KimiError) {
    // The service answered with an error (after the retries the rules allow): relay its status.
    const fromService = error.serviceMessage !== undefined;
    const status = error.status ?? STATUS_WITHOUT_RESPONSE[error.code] ?? 502;
    const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
    return {
      status,
      type: error.type ?? TYPE_BY_CODE[error.code] ?? "server_error",
      code: error.code,
      message: error.message,
      retryAfterSeconds: retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
      upstream: fromService
        ? { status: error.status, type: error.type, message: error.serviceMessage ?? "" }
        : undefined,
    };
  }
  return {
    status: 500,
    type: "server_error",
    code: "gateway_error",
    message: `The gateway failed while serving the request (${error instanceof Error ? error.message : String(error)}). Retry; if it persists, check the gateway's log.`,
  };
}

/** The JSON text of the envelope, `<` and `>` escaped as Moonshot does. */
export function envelopeJson(body: GatewayErrorBody): string {
  const error: Record<string, unknown> = {
    message: body.message,
    type: body.type,
    code: body.code,
  };
  if (body.upstream) error.upstream = body.upstream;
  return JSON.stringify({ error }).replace(/</g, "\\u003c").replace(/>/g, "\\u003e");
}

/** Writes `body` as the whole response (headers already set on `res` are kept). */
export function sendError(res: ServerResponse, body: GatewayErrorBody): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = envelopeJson(body);
  if (body.retryAfterSeconds !== undefined)
    res.setHeader("retry-after", String(body.retryAfterSeconds));
  res.writeHead(body.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
