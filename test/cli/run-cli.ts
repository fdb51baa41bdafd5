/**
 * Runs the BUILT CLI (`dist/cli/main.js`, what the `kimi-provider` bin points at) as a child
 * process with Node 24 (`process.execPath`), with a clean environment: no inherited `KIMI_*`,
 * a private HOME and state directory.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** The built entry point. */
export const CLI = join(ROOT, "dist/cli/main.js");

let built = false;
/** Builds once if `dist/cli/main.js` is missing (`npm test` builds first anyway). */
export function ensureBuilt(): void {
  if (built || existsSync(CLI)) {
    built = true;
    return;
  }
  execFileSync(
    process.execPath,
    [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: ROOT,
      stdio: "inherit",
    },
  );
  built = true;
}

/** What a finished CLI run produced. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCli}. */
export interface RunOptions {
  /** `KIMI_*` and other variables, added to the clean environment. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, then closed (default: stdin closed empty). */
  stdin?: string;
  /** Leave stdin open after writing `stdin` (a user still typing, or a pipe not yet ended). */
  keepStdinOpen?: boolean;
  /** Called with the child once spawned (e.g. to send SIGINT). */
  onSpawn?: (child: ChildProcess) => void;
  /** Called with each stdout chunk as it arrives. */
  onStdout?: (chunk: string, child: ChildProcess) => void;
}

/** A scratch directory removed by {@link TempDirs.cleanup}. */
export class TempDirs {
  readonly #dirs: string[] = [];
  /** Creates a new temporary directory. */
  make(prefix = "kimi-cli-test-"): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.#dirs.push(dir);
    return dir;
  }
  /** Removes every directory made. */
  cleanup(): void {
    for (const dir of this.#dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `kimi-provider ARGS...` and resolves when it exits. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  ensureBuilt();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    NO_COLOR: "1",
  };
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value !== undefined) env[name] = value;
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk;
      options.onStdout?.(chunk, child);
    });
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
    child.stdin.on("error", () => undefined);
    if (options.keepStdinOpen) child.stdin.write(options.stdin ?? "");
    else child.stdin.end(options.stdin ?? "");
    options.onSpawn?.(child);
  });
}
