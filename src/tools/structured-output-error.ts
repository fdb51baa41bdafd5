/** The error of {@link generateObject} when the model's answer stays invalid after the repair. */
import { KimiError } from "../http/errors.ts";

/** The model did not produce a value matching the schema. Code `structured_output_invalid`. */
export class StructuredOutputError extends KimiError {
  /** The model's last answer, as text. */
  readonly text: string;
  /** What was wrong with it ("not JSON: ...", or "path: message" schema problems). */
  readonly problems: readonly string[];
  /** Requests made (1 + repairs). */
  readonly attempts: number;
  constructor(
    message: string,
    details: { text: string; problems: readonly string[]; attempts: number },
  ) {
    super("structured_output_invalid", message, false);
    this.text = details.text;
    this.problems = details.problems;
    this.attempts = details.attempts;
  }
}
