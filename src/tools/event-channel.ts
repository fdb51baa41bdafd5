/**
 * A single-consumer async queue: the loop pushes events as they happen, the caller iterates them
 * with `for await`. Events are buffered, so a caller that only awaits the final result never
 * blocks the loop.
 */

/** A push-side/iterate-side pair for events of type `T`. */
export class EventChannel<T> implements AsyncIterable<T> {
  #buffer: T[] = [];
  #closed = false;
  #error: { value: unknown } | undefined;
  #waiting:
    | { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void }
    | undefined;
  #iterated = false;

  /** Delivers an event (ignored after {@link close}). */
  push(event: T): void {
    if (this.#closed) return;
    const waiting = this.#waiting;
    if (waiting !== undefined) {
      this.#waiting = undefined;
      waiting.resolve({ value: event, done: false });
    } else {
      this.#buffer.push(event);
    }
  }

  /**
   * Ends the iteration once the buffered events are consumed; with `error`, the iteration then
   * throws it (so `for await` surfaces a failed run like the run's result does).
   */
  close(error?: { value: unknown }): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#error = error;
    const waiting = this.#waiting;
    if (waiting !== undefined) {
      this.#waiting = undefined;
      if (error !== undefined) waiting.reject(error.value);
      else waiting.resolve({ value: undefined, done: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#iterated) throw new TypeError("A tool run's events can be iterated only once.");
    this.#iterated = true;
    return {
      next: () => {
        const event = this.#buffer.shift();
        if (event !== undefined) return Promise.resolve({ value: event, done: false });
        if (this.#closed) {
          const error = this.#error;
          this.#error = undefined;
          if (error !== undefined) return Promise.reject(error.value);
          return Promise.resolve({ value: undefined, done: true });
        }
        return new Promise((resolve, reject) => {
          this.#waiting = { resolve, reject };
        });
      },
      return: () => {
        this.#buffer = [];
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
