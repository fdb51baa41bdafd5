/**
 * Turns whatever a command threw into an exit code and one stderr message that names the error
 * type and says what to do. The API key is redacted from every message, whatever its source.
 */
import {
  AbortError,
  ConfigurationError,
  FileValidationError,
  InvalidRequestError,
  KimiError,
} from "kimi-provider";
import { redactText } from "kimi-provider/internal";
import { EXIT, type ExitCode } from "./exit-codes.ts";
import { UsageError } from "./usage-error.ts";

/** The exit code for an error thrown by a command. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError || error instanceof ConfigurationError) return EXIT.usage;
  if (error instanceof FileValidationError) return EXIT.usage;
  // Refused before sending (unknown model id, context overflow found locally): the invocation
  // is at fault, not the service. A 400 from the service has a status and counts as failure.
  if (error instanceof InvalidRequestError && error.status === undefined) return EXIT.usage;
  if (error instanceof AbortError) return EXIT.interrupted;
  return EXIT.serviceFailure;
}

/** The one-line-per-paragraph message printed on stderr for `error`. */
export function describeFailure(error: unknown, secrets: readonly (string | undefined)[]): string {
  let text: string;
  if (error instanceof UsageError) {
    text = `usage error (${error.subject}): ${error.message}`;
  } else if (error instanceof ConfigurationError) {
    text = `configuration error (${error.setting}): ${error.message}`;
  } else if (error instanceof KimiError) {
    const details = [error.code, error.status === undefined ? undefined : `HTTP ${error.status}`]
      .filter((part) => part !== undefined)
      .join(", ");
    const request = error.requestId ? ` [request id ${error.requestId}]` : "";
    text = `${error.name} (${details}): ${error.message}${request}`;
  } else if (error instanceof Error) {
    text = `unexpected ${error.name}: ${error.message}. This is a bug in kimi-provider; please report it with the command you ran.`;
  } else {
    text = `unexpected failure: ${String(error)}`;
  }
  return `kimi-provider: ${redactText(text, secrets)}\n`;
}
