/**
 * Turns a non-2xx Moonshot response (or an error event inside a stream) into the right
 * {@link KimiError} subclass: the one mapping from what the service said to what the caller sees.
 *
 * Moonshot's envelope is `{"error":{"type","message"}}` with no numeric code; the kind of failure
 * is read from the status, the `type`, and for a few cases the message text (context overflow
 * numbers, the wait in rate-limit messages, quota and file wording): docs/moonshot-wire.md,
 * "Errors". A request about a file (an upload, or a call on a file id) names that file and the
 * fix in the same step.
 */
import {
  AuthenticationError,
  ContentFilterError,
  ContextOverflowError,
  FileExtractionError,
  FileLimitError,
  InvalidRequestError,
  ModelNotFoundError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
} from "./error-classes.ts";
import type { KimiError, KimiErrorOptions } from "./kimi-error.ts";
import { redactText } from "./redact.ts";

/** What the service said, parsed from the envelope when there was one. */
export interface ServiceErrorBody {
  /** Moonshot's `error.type`, when the body was its envelope. */
  type: string | undefined;
  /** The service's message, or an excerpt of a non-JSON body (an HTML 504 page). */
  message: string;
}

/** Parses Moonshot's error envelope; falls back to the raw text (e.g. an HTML 504 page). */
export function parseErrorBody(text: string): ServiceErrorBody {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object") {
      const envelope = (parsed as { error?: unknown }).error ?? parsed;
      if (envelope && typeof envelope === "object") {
        const { type, message } = envelope as { type?: unknown; message?: unknown };
        if (typeof message === "string") {
          return { type: typeof type === "string" ? type : undefined, message };
        }
      }
    }
  } catch {
    // Not JSON: a proxy or gateway page. Use a trimmed excerpt below.
  }
  const excerpt = text
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 200);
  return { type: undefined, message: excerpt || "(empty body)" };
}

const RETRY_AFTER_IN_MESSAGE =
  /try again after\s+(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|sec|seconds?)?/i;

/** The wait Moonshot writes into rate-limit messages ("please try again after 1 seconds"), in ms. */
export function retryAfterFromMessage(message: string): number | undefined {
  const match = RETRY_AFTER_IN_MESSAGE.exec(message);
  if (!match?.[1]) return undefined;
  const value = Number(match[1]);
  const unit = match[2]?.toLowerCase() ?? "s";
  return unit.startsWith("m") ? value : value * 1000;
}

/** A `Retry-After` header (seconds or HTTP date), in ms. */
export function retryAfterFromHeader(
  value: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const TOKEN_LIMIT = /exceeded model token limit\s*:\s*(\d+)(?:\s*\(requested:\s*(\d+)\))?/i;
const LEGACY_MAX_LENGTH = /max length exceeded,\s*max length\s*:\s*(\d+)/i;
const QUOTA_WORDING =
  /insufficient balance|exceeded (your )?current (token )?quota|is suspended|is not active/i;
const MODEL_NOT_FOUND = /Not found the model\s+(\S+)/i;
const MAX_FILE_COUNT = /max file count/i;

/** The file a failed request was about, to name it in the error. */
export interface FileErrorContext {
  /** The file id, for calls on an existing file. */
  fileId?: string | undefined;
  /** The path or name of the file (being uploaded, or uploaded earlier by this client). */
  label?: string | undefined;
  /** Base URL, to say where the id was not found. */
  baseURL: string;
  /** The base URL is this machine (an emulator or gateway), not Moonshot: say who refused. */
  local?: boolean | undefined;
}

/** Context of the failed request, to make messages specific. */
export interface ErrorContext {
  /** The HTTP status of the response. */
  status: number;
  /** The response's request id (see `responseRequestId`), when it sent one. */
  requestId?: string | undefined;
  /** The response's `Retry-After` header, when it sent one. */
  retryAfter?: string | null | undefined;
  /** Secrets to strip from the service's message. */
  secrets?: readonly (string | undefined)[];
  /** The model the request was for, if any. */
  model?: string | undefined;
  /** The file the request was about (uploads, calls on a file id). */
  file?: FileErrorContext | undefined;
}

/** Maps a failed response to a typed error whose message says what happened and what to do. */
export function errorFromResponse(bodyText: string, context: ErrorContext): KimiError {
  const generic = serviceError(bodyText, context);
  return context.file === undefined ? generic : aboutFile(generic, context.file);
}

function serviceError(bodyText: string, context: ErrorContext): KimiError {
  const { status } = context;
  const body = parseErrorBody(bodyText);
  const serviceMessage = redactText(body.message, context.secrets);
  const type = body.type;
  const options: KimiErrorOptions = {
    status,
    requestId: context.requestId ?? undefined,
    responseBody: redactText(bodyText, context.secrets),
    serviceMessage,
  };
  if (type !== undefined) options.type = type;
  const said = `(HTTP ${status}${type ? ` ${type}` : ""}: ${serviceMessage})`;
  const headerWait = retryAfterFromHeader(context.retryAfter);
  const retryAfterMs = retryAfterFromMessage(serviceMessage) ?? headerWait;

  if (
    type === "exceeded_current_quota_error" ||
    (status === 429 && QUOTA_WORDING.test(serviceMessage))
  ) {
    return new QuotaExceededError(
      `Your Moonshot account is out of quota or suspended ${said}. Recharge or check billing in the Moonshot console; retrying will not help.`,
      options,
    );
  }
  if (status === 401) {
    return new AuthenticationError(
      `Moonshot refused the API key ${said}. Check KIMI_API_KEY; keys from platform.moonshot.ai only work on api.moonshot.ai and keys from platform.moonshot.cn only on api.moonshot.cn (KIMI_BASE_URL).`,
      options,
    );
  }
  if (status === 403) {
    return new PermissionDeniedError(
      `This key may not use this API ${said}. Check the account's permissions in the Moonshot console.`,
      options,
    );
  }
  if (status === 404) {
    const model = MODEL_NOT_FOUND.exec(serviceMessage)?.[1] ?? context.model;
    if (MODEL_NOT_FOUND.test(serviceMessage)) {
      return new ModelNotFoundError(
        `Model "${model}" is unknown, retired, or not enabled for this account ${said}. Run \`kimi-provider models --refresh\` to see the models your key can use.`,
        { ...options, model },
      );
    }
    return new NotFoundError(`Not found ${said}. Check the id.`, options);
  }
  if (type === "content_filter") {
    return new ContentFilterError(
      `Moonshot's content filter rejected the request or the model's answer ${said}. Rephrase the input; retrying the same request will not help.`,
      options,
    );
  }
  if (status === 400 || status === 413 || status === 422) {
    const tokenLimit = TOKEN_LIMIT.exec(serviceMessage) ?? LEGACY_MAX_LENGTH.exec(serviceMessage);
    if (tokenLimit || /input token length too long/i.test(serviceMessage)) {
      const limit = tokenLimit?.[1] ? Number(tokenLimit[1]) : undefined;
      const requested = tokenLimit?.[2] ? Number(tokenLimit[2]) : undefined;
      const by =
        limit !== undefined && requested !== undefined ? ` by ${requested - limit} tokens` : "";
      return new ContextOverflowError(
        `The prompt plus max tokens exceeds the model's context window${by} ${said}. Shorten the conversation, lower max tokens, or use a model with a larger window.`,
        { ...options, limit, requested },
      );
    }
    if (/max file count|file size is (too large|zero)/i.test(serviceMessage)) {
      const fix = MAX_FILE_COUNT.test(serviceMessage)
        ? "Delete files you no longer need (`kimi-provider files cleanup`)."
        : "Files must be between 1 byte and 100 MB.";
      return new FileLimitError(`The file was refused ${said}. ${fix}`, options);
    }
    return new InvalidRequestError(
      `Moonshot rejected the request as invalid ${said}. Fix the request; retrying it unchanged will not help.`,
      options,
    );
  }
  if (status === 429) {
    if (type === "engine_overloaded_error") {
      return new OverloadedError(`Moonshot is overloaded ${said}. Retry later.`, {
        ...options,
        retryAfterMs,
      });
    }
    return new RateLimitError(
      `Rate limit reached ${said}. Wait${retryAfterMs !== undefined ? ` ${Math.ceil(retryAfterMs / 1000)} s` : ""} and retry, lower concurrency, or raise your tier.`,
      { ...options, retryAfterMs },
    );
  }
  if (status >= 500) {
    if (/failed to extract file/i.test(serviceMessage)) {
      return new FileExtractionError(
        `Moonshot could not extract text from the file ${said}. Check the file is a supported, text-bearing format.`,
        options,
      );
    }
    return new ServerError(`Moonshot had a server error ${said}. Retry later.`, {
      ...options,
      retryAfterMs: headerWait,
    });
  }
  return new InvalidRequestError(`Unexpected response ${said}.`, options);
}

/** The fields of `error` that a more specific error about the same response keeps. */
function sameResponse(error: KimiError): KimiErrorOptions {
  return {
    status: error.status,
    type: error.type,
    requestId: error.requestId,
    retryAfterMs: error.retryAfterMs,
    responseBody: error.responseBody,
    serviceMessage: error.serviceMessage,
  };
}

/**
 * The error of a request about a file: which file, and the fix (too many files, too large or
 * empty, extraction failed, unknown id), with the generic text kept in brackets.
 */
function aboutFile(error: KimiError, file: FileErrorContext): KimiError {
  const options = sameResponse(error);
  if (error instanceof NotFoundError && !(error instanceof ModelNotFoundError) && file.fileId) {
    return new NotFoundError(
      `File ${file.fileId} does not exist on ${file.baseURL}: it was deleted, never uploaded there, or belongs to another account or host. List existing files with kimi.files.list(). [${error.message}]`,
      options,
    );
  }
  if (error instanceof FileLimitError) {
    const what = file.label ? `Upload of ${file.label} refused` : "Upload refused";
    const fix = MAX_FILE_COUNT.test(error.message)
      ? "The account has reached its maximum number of files (1,000 on Moonshot; the service's limit is quoted below): delete files you no longer need with kimi.files.cleanup() (files this library uploaded) or kimi.files.cleanup({ all: true }) (every file of the account)."
      : "Files must be between 1 byte and 100 MB, and all files of the account together at most 10 GB: split the file, or delete old files with kimi.files.cleanup().";
    return new FileLimitError(`${what}. ${fix} [${error.message}]`, options);
  }
  if (error instanceof FileExtractionError) return extractionError(error, file, options);
  return error;
}

/** File names whose content is a picture: extraction finds no text, the image purpose fits. */
const IMAGE_NAME = /\.(png|jpe?g|gif|webp|bmp|tiff?|heic|svg)$/i;

/**
 * "<who> could not extract text from <file>: <the service's words>. <advice that applies>": who
 * refused (Moonshot, or the local emulator or gateway at a loopback base URL), which file (its
 * name when this client uploaded it), and only the advice that fits the file.
 */
function extractionError(
  error: FileExtractionError,
  file: FileErrorContext,
  options: KimiErrorOptions,
): FileExtractionError {
  const name = file.label ?? (file.fileId ? `file ${file.fileId}` : "the file");
  const named = file.label !== undefined && file.fileId ? ` (${file.fileId})` : "";
  let host = file.baseURL;
  try {
    host = new URL(file.baseURL).host;
  } catch {
    // Not a URL: shown as given.
  }
  const who = file.local
    ? `The local service at ${host} (an emulator or gateway, not Moonshot)`
    : "Moonshot";
  let advice: string;
  if (IMAGE_NAME.test(file.label ?? "")) {
    advice =
      'It is a picture: upload it with purpose "image" and send it as an image part to a model that takes images.';
  } else if (file.local) {
    advice =
      "kimi-provider's emulator extracts only text files and PDFs; Moonshot itself also reads Office documents and more.";
  } else {
    advice =
      "Send a text-bearing format Moonshot extracts (PDF with a text layer, Office documents, text, code); a scanned PDF needs OCR first.";
  }
  const words = (error.serviceMessage ?? error.message).replace(/\.$/, "");
  return new FileExtractionError(
    `${who} could not extract text from ${name}${named}: ${words}. ${advice}`,
    options,
  );
}

/**
 * The HTTP status an error `type` travels with, for error objects that arrive without one: an
 * `{"error":{...}}` data event inside a 200 SSE stream (docs/moonshot-wire.md, "Errors").
 */
export function statusForErrorType(type: string | undefined): number {
  switch (type) {
    case "invalid_authentication_error":
    case "incorrect_api_key_error":
      return 401;
    case "permission_denied_error":
      return 403;
    case "resource_not_found_error":
      return 404;
    case "rate_limit_reached_error":
    case "engine_overloaded_error":
    case "exceeded_current_quota_error":
      return 429;
    case "invalid_request_error":
    case "content_filter":
      return 400;
    default:
      return 500;
  }
}

/** Maps an `{"error":{...}}` object received as an SSE data event to a typed error. */
export function errorFromStreamEvent(
  data: string,
  context: Omit<ErrorContext, "status">,
): KimiError {
  const status = statusForErrorType(parseErrorBody(data).type);
  return errorFromResponse(data, { ...context, status });
}
