/**
 * The bytes of request bodies held in memory at once, over all requests: each body reserves its
 * size (its `Content-Length` up front, or chunk by chunk when it is streamed) and gives it back
 * when its response ends. Past the budget a request is refused at once with the service's
 * overload 429 (docs/moonshot-wire.md "Rate limits"), which clients retry later, so concurrent
 * large bodies cannot pile up in memory (docs/emulator.md "Resource limits").
 */
import { EmulatorApiError } from "./error-responses.ts";

/** A shared budget of buffered request bytes. */
export class RequestBudget {
  readonly #capacity: number;
  #used = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Bytes reserved now. */
  get used(): number {
    return this.#used;
  }

  /** Reserves `bytes` if they fit; `false` (nothing reserved) if they do not. */
  tryReserve(bytes: number): boolean {
    if (this.#used + bytes > this.#capacity) return false;
    this.#used += bytes;
    return true;
  }

  /** Gives back bytes reserved earlier. */
  release(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
  }
}

/** The service's overload 429 (recorded text), for a body that does not fit the budget. */
export function engineOverloaded(): EmulatorApiError {
  return new EmulatorApiError(
    429,
    "engine_overloaded_error",
    "The engine is currently overloaded, please try again later",
  );
}
