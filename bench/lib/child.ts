/**
 * Child-process plumbing. Each suite runs in its own Node process (fresh heap, its own event
 * loop), and the emulator in another, so on a 2-core machine the service's CPU never competes
 * inside the event loop being measured. Parent and child talk over the IPC channel of `fork()`.
 */
import { type ChildProcess, fork } from "node:child_process";

/** Messages a child sends to its parent. */
export type ChildMessage =
  | { type: "ready"; data: unknown }
  | { type: "result"; data: unknown }
  | { type: "error"; message: string };

/** How to start a child. */
export interface ChildOptions {
  /** JSON-serializable input, handed over in the `BENCH_INPUT` environment variable. */
  input?: unknown;
  /** Node flags, e.g. `["--expose-gc"]`. */
  execArgv?: string[];
  /** Gives up (and kills the child) after this long. */
  timeoutMs?: number;
}

function spawnChild(script: URL, options: ChildOptions): ChildProcess {
  return fork(script, [], {
    execArgv: options.execArgv ?? [],
    env: { ...process.env, BENCH_INPUT: JSON.stringify(options.input ?? null) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}

/** Runs a suite child to completion and returns what it reported. */
export function runChild<T>(script: URL, options: ChildOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = spawnChild(script, options);
    let settled = false;
    const timer = setTimeout(() => {
      finish(new Error(`${script.pathname} did not finish within ${options.timeoutMs} ms`));
      child.kill("SIGKILL");
    }, options.timeoutMs ?? 600_000);
    const finish = (error: Error | undefined, data?: T) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(data as T);
    };
    child.on("message", (message: ChildMessage) => {
      if (message.type === "result") finish(undefined, message.data as T);
      else if (message.type === "error") finish(new Error(message.message));
    });
    child.on("error", (error) => finish(error));
    child.on("exit", (code, signal) =>
      finish(new Error(`${script.pathname} exited (${signal ?? code}) without a result`)),
    );
  });
}

/** A long-lived child (the emulator, the replay server) that reports `ready` with data. */
export interface ServiceChild<T> {
  data: T;
  process: ChildProcess;
  /** Stops the child and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts a service child and waits for its `ready` message. */
export function startServiceChild<T>(
  script: URL,
  options: ChildOptions = {},
): Promise<ServiceChild<T>> {
  return new Promise((resolve, reject) => {
    const child = spawnChild(script, options);
    const onExit = (code: number | null) =>
      reject(new Error(`${script.pathname} exited (${code}) before it was ready`));
    child.once("exit", onExit);
    child.on("message", (message: ChildMessage) => {
      if (message.type === "error") reject(new Error(message.message));
      if (message.type !== "ready") return;
      child.off("exit", onExit);
      resolve({
        data: message.data as T,
        process: child,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) {
              done();
              return;
            }
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    });
  });
}

/** In a child: the input the parent passed. */
export function childInput<T>(): T {
  return JSON.parse(process.env.BENCH_INPUT ?? "null") as T;
}

/** In a child: sends a message to the parent (no-op when run by hand without IPC). */
export function sendToParent(message: ChildMessage): void {
  if (process.send) process.send(message);
  else console.log(JSON.stringify(message, null, 2));
}

/** In a suite child: runs `main`, reports its result or error, then exits. */
export function runSuite<T>(main: () => Promise<T>): void {
  main().then(
    (data) => {
      sendToParent({ type: "result", data });
      process.disconnect?.();
      setImmediate(() => process.exit(0));
    },
    (error: unknown) => {
      sendToParent({
        type: "error",
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      process.disconnect?.();
      setImmediate(() => process.exit(1));
    },
  );
}
