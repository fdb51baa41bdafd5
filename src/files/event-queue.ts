/**
 * A single-consumer async queue: a producer pushes values and finally ends it (or fails it);
 * the consumer pulls with `next()`. Lets a background task feed a `for await` loop.
 */

/** Push-based async iterator source. */
export class EventQueue<T> {
  readonly #items: T[] = [];
  #ended = false;
  #error: { error: unknown } | undefined;
  #waiter: (() => void) | undefined;

  /** Adds a value. Ignored after the end. */
  push(item: T): void {
    if (this.#ended) return;
    this.#items.push(item);
    this.#wake();
  }

  /** Ends the queue; `error` is thrown to the consumer after the queued values. */
  end(error?: { error: unknown }): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.#wake();
  }

  /** The next value, `done` at the end; rejects with the ending error. */
  async next(): Promise<IteratorResult<T, undefined>> {
    for (;;) {
      const item = this.#items.shift();
      if (item !== undefined) return { value: item, done: false };
      if (this.#ended) {
        if (this.#error) {
          const { error } = this.#error;
          this.#error = undefined;
          throw error;
        }
        return { value: undefined, done: true };
      }
      await new Promise<void>((resolveWait) => {
        this.#waiter = resolveWait;
      });
    }
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }
}
