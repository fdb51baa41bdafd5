/** The error of {@link generateObject} when the model's answer stays invalid after the repair. */
import { KimiError, type KimiErrorOptions } from "../errors/kimi-error.ts";

/** Options of {@link StructuredOutputError}. */
export interface StructuredOutputErrorOptions extends KimiErrorOptions {
  /** The model's last answer, as text. */
  text: string;
  /** What was wrong with it. */
  problems: readonly string[];
  /** Requests made (1 + repairs). */
  attempts: number;
}

/** The model did not produce a value matching the schema. Code `structured_output_invalid`. */
export class StructuredOutputError extends KimiError {
  /** Code of every {@link StructuredOutputError}. */
  static readonly code = "structured_output_invalid";
  /** The model's last answer, as text. */
  readonly text: string;
  /** What was wrong with it ("not JSON: ...", or "path: message" schema problems). */
  readonly problems: readonly string[];
  /** Requests made (1 + repairs). */
  readonly attempts: number;
  constructor(message: string, options: StructuredOutputErrorOptions) {
    super(message, options);
    this.text = options.text;
    this.problems = options.problems;
    this.attempts = options.attempts;
  }
}
