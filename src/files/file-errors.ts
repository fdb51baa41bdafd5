/**
 * Makes the service's file errors specific: which file, and the fix (reference §5.2 texts:
 * too many files, too large/empty, extraction failed, unknown id). Keeps the class, code,
 * status, type and request id of the mapped error; the original is the `cause`.
 */
import {
  InvalidRequestError,
  KimiError,
  type KimiErrorOptions,
  ModelNotFoundError,
  NotFoundError,
  ServerError,
} from "../http/errors.ts";
import { isLoopbackBaseURL } from "../http/loopback-url.ts";

function optionsOf(error: KimiError): KimiErrorOptions {
  const options: KimiErrorOptions = { cause: error };
  if (error.status !== undefined) options.status = error.status;
  if (error.type !== undefined) options.type = error.type;
  if (error.requestId !== undefined) options.requestId = error.requestId;
  return options;
}

/** What the failed call was about. */
export interface FileErrorContext {
  /** The file id, for calls on an existing file. */
  fileId?: string;
  /** The path or name of the file (being uploaded, or uploaded earlier by this client). */
  label?: string;
  /** Base URL, to say where the id was not found. */
  baseURL: string;
}

/** Returns a more specific error for file failures; other errors are returned unchanged. */
export function fileError(error: unknown, context: FileErrorContext): unknown {
  if (!(error instanceof KimiError)) return error;
  const options = optionsOf(error);
  if (error instanceof NotFoundError && !(error instanceof ModelNotFoundError) && context.fileId) {
    return new NotFoundError(
      `File ${context.fileId} does not exist on ${context.baseURL}: it was deleted, never uploaded there, or belongs to another account or host. List existing files with kimi.files.list(). [${error.message}]`,
      options,
    );
  }
  if (error.code === "file_limit_exceeded") {
    const what = context.label ? `Upload of ${context.label} refused` : "Upload refused";
    const fix = /max file count/i.test(error.message)
      ? "The account has reached its maximum number of files (1,000 on Moonshot; the service's limit is quoted below): delete files you no longer need with kimi.files.cleanup() (files this library uploaded) or kimi.files.cleanup({ all: true }) (every file of the account)."
      : "Files must be between 1 byte and 100 MB, and all files of the account together at most 10 GB: split the file, or delete old files with kimi.files.cleanup().";
    return new InvalidRequestError(
      `${what}. ${fix} [${error.message}]`,
      options,
      "file_limit_exceeded",
    );
  }
  if (error.code === "file_extraction_failed") {
    return extractionError(error, context, options);
  }
  return error;
}

/** File names whose content is a picture: extraction finds no text, the image purpose fits. */
const IMAGE_NAME = /\.(png|jpe?g|gif|webp|bmp|tiff?|heic|svg)$/i;

/** The service's own words from an error body, else the mapped message. */
function serviceWords(error: KimiError): string {
  try {
    const body = JSON.parse(error.responseBody ?? "") as { error?: { message?: unknown } };
    if (typeof body.error?.message === "string" && body.error.message !== "") {
      return body.error.message;
    }
  } catch {
    // Not a JSON error body: fall back to the message.
  }
  return error.message;
}

/**
 * "<who> could not extract text from <file>: <the service's words>. <advice that applies>": who
 * refused (Moonshot, or the local emulator or gateway at a loopback base URL), which file (its
 * name when this client uploaded it), and only the advice that fits the file.
 */
function extractionError(
  error: KimiError,
  context: FileErrorContext,
  options: KimiErrorOptions,
): ServerError {
  const name = context.label ?? (context.fileId ? `file ${context.fileId}` : "the file");
  const named = context.label !== undefined && context.fileId ? ` (${context.fileId})` : "";
  let host = context.baseURL;
  try {
    host = new URL(context.baseURL).host;
  } catch {
    // Not a URL: shown as given.
  }
  const local = isLoopbackBaseURL(context.baseURL);
  const who = local
    ? `The local service at ${host} (an emulator or gateway, not Moonshot)`
    : "Moonshot";
  let advice: string;
  if (IMAGE_NAME.test(context.label ?? "")) {
    advice =
      'It is a picture: upload it with purpose "image" and send it as an image part to a model that takes images.';
  } else if (local) {
    advice =
      "kimi-provider's emulator extracts only text files and PDFs; Moonshot itself also reads Office documents and more.";
  } else {
    advice =
      "Send a text-bearing format Moonshot extracts (PDF with a text layer, Office documents, text, code); a scanned PDF needs OCR first.";
  }
  return new ServerError(
    `${who} could not extract text from ${name}${named}: ${serviceWords(error).replace(/\.$/, "")}. ${advice}`,
    options,
    "file_extraction_failed",
  );
}
