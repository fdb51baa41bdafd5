/**
 * The events of work running in the background (a tool run, a chat with files), for one
 * consumer's `for await` loop. Events are buffered, so a caller that only awaits the final result
 * never blocks the work. Leaving the loop early (`break`, `return`, a throw in its body) calls
 * `onReturn`, which cancels the work and waits for its clean-up: the same rule as `kimi.stream()`,
 * whose early exit aborts its request.
 */

/** Settings of an {@link EventQueue}. */
export interface EventQueueOptions {
  /** Cancels the work and resolves once it has settled (called when the consumer leaves early). */
  onReturn: () => Promise<void>;
  /** The TypeError message for a second `for await` over the same events. */
  iteratedTwice: string;
}

/** A buffered, single-consumer async queue whose early exit cancels its producer. */
export class EventQueue<T> implements AsyncIterable<T> {
  readonly #options: EventQueueOptions;
  #buffer: T[] = [];
  #ended = false;
  #error: { error: unknown } | undefined;
  #waiting:
    | { resolve: (result: IteratorResult<T, undefined>) => void; reject: (error: unknown) => void }
    | undefined;
  #iterated = false;

  constructor(options: EventQueueOptions) {
    this.#options = options;
  }

  /** Delivers an event (ignored after {@link end}). */
  push(event: T): void {
    if (this.#ended) return;
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
   * throws it (so `for await` surfaces failed work like the work's result does).
   */
  end(error?: { error: unknown }): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    const waiting = this.#waiting;
    if (waiting !== undefined) {
      this.#waiting = undefined;
      this.#settle(waiting);
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    if (this.#iterated) throw new TypeError(this.#options.iteratedTwice);
    this.#iterated = true;
    return {
      next: () => {
        const event = this.#buffer.shift();
        if (event !== undefined) return Promise.resolve({ value: event, done: false });
        return new Promise((resolve, reject) => {
          if (this.#ended) this.#settle({ resolve, reject });
          else this.#waiting = { resolve, reject };
        });
      },
      return: async () => {
        this.#buffer = [];
        const finished = this.#ended;
        this.#ended = true;
        this.#error = undefined;
        if (!finished) await this.#options.onReturn();
        return { value: undefined, done: true };
      },
    };
  }

  #settle(waiting: {
    resolve: (result: IteratorResult<T, undefined>) => void;
    reject: (error: unknown) => void;
  }): void {
    const error = this.#error;
    this.#error = undefined;
    if (error !== undefined) waiting.reject(error.error);
    else waiting.resolve({ value: undefined, done: true });
  }
}
