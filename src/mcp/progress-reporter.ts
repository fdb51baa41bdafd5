/**
 * Progress notifications (`notifications/progress`) for one tool call, sent only when the host
 * asked for them with a `progressToken`. Phases (uploading, extracting, answering) are always
 * sent; streamed text at most once per `minIntervalMs`, so a fast stream does not flood the
 * host. `progress` only grows, as the protocol requires.
 */
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";

/** The request context the SDK gives a tool handler. */
export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Sends the progress of one tool call. */
export class ProgressReporter {
  readonly #extra: ToolExtra;
  readonly #token: string | number | undefined;
  readonly #minIntervalMs: number;
  readonly #now: () => number;
  #progress = 0;
  #lastTextAt = Number.NEGATIVE_INFINITY;
  #characters = 0;

  /** `minIntervalMs`: the least time between two text notifications. */
  constructor(extra: ToolExtra, minIntervalMs = 250, now: () => number = Date.now) {
    this.#extra = extra;
    this.#token = extra._meta?.progressToken;
    this.#minIntervalMs = minIntervalMs;
    this.#now = now;
  }

  /** Whether the host asked for progress. */
  get enabled(): boolean {
    return this.#token !== undefined;
  }

  /**
   * Reports a phase of the work, e.g. "uploading 2 files". Await it before returning a result,
   * or the result may overtake the notification (the host drops progress that comes after).
   */
  phase(message: string): Promise<void> {
    return this.#send(message);
  }

  /** Counts streamed text; reports it when `minIntervalMs` passed since the last report. */
  text(delta: string): void {
    this.#characters += delta.length;
    const now = this.#now();
    if (now - this.#lastTextAt < this.#minIntervalMs) return;
    this.#lastTextAt = now;
    void this.#send(`answering: ${this.#characters} characters received`);
  }

  #send(message: string): Promise<void> {
    const progressToken = this.#token;
    if (progressToken === undefined || this.#extra.signal.aborted) return Promise.resolve();
    this.#progress += 1;
    return (
      this.#extra
        .sendNotification({
          method: "notifications/progress",
          params: { progressToken, progress: this.#progress, message },
        })
        // A host that went away cannot be told; the work goes on (or is cancelled separately).
        .catch(() => undefined)
    );
  }
}
