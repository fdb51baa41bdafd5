/** How the request policy refuses what cannot be sent: a typed error, before any byte goes out. */
import { InvalidRequestError } from "../../errors/error-classes.ts";

/** Throws an {@link InvalidRequestError} with `message`, saying that nothing was sent. */
export function refuse(message: string): never {
  throw new InvalidRequestError(`${message} Nothing was sent.`);
}

/** Refuses `value` unless it is a finite number from `min` to `max` (or absent). */
export function checkRange(
  name: string,
  value: number | undefined,
  min: number,
  max: number,
): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    refuse(
      `\`${name}\` is ${String(value)}: it must be a number from ${min} to ${max} on Moonshot.`,
    );
  }
}
