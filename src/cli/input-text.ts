/**
 * Text given to a command as arguments, `-` (stdin), a file, or piped stdin.
 */
import { readFile } from "node:fs/promises";
import { UsageError } from "./usage-error.ts";

/** Reads all of stdin as UTF-8; stops early (with what was read) when `signal` aborts. */
export async function readStdin(signal?: AbortSignal): Promise<string> {
  const chunks: Buffer[] = [];
  const stdin = process.stdin;
  await new Promise<void>((resolve, reject) => {
    const finish = () => {
      cleanup();
      resolve();
    };
    const fail = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onData = (chunk: Buffer | string) => {
      chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
    };
    const cleanup = () => {
      stdin.off("data", onData);
      stdin.off("end", finish);
      stdin.off("error", fail);
      signal?.removeEventListener("abort", finish);
      stdin.pause();
    };
    stdin.on("data", onData);
    stdin.once("end", finish);
    stdin.once("error", fail);
    signal?.addEventListener("abort", finish, { once: true });
  });
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads a UTF-8 text file named by `flag`; a missing file is a {@link UsageError}. */
export async function readTextFile(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const reason = (error as { code?: unknown }).code === "ENOENT" ? "no such file" : String(error);
    throw new UsageError(flag, `${flag} ${path}: cannot read it (${reason}).`);
  }
}
