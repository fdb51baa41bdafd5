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
  /** The path or name of a file being uploaded. */
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
    const what = context.label ?? (context.fileId ? `file ${context.fileId}` : "the file");
    return new ServerError(
      `Moonshot could not extract text from ${what}. Check it is a supported, text-bearing format (PDF, Office, text, code; images need visible text); for pictures use purpose "image" instead. [${error.message}]`,
      options,
      "file_extraction_failed",
    );
  }
  return error;
}
