/**
 * Atomic file replacement: write a temporary file beside the target, flush it, then rename it over
 * the target. A crash or a concurrent reader sees the old file or the new one, never a torn one.
 * Used by the uploaded-file registry and the CLI's usage ledger.
 */
import { basename, dirname, join } from "node:path";
import { fsPromises } from "./lazy-fs.ts";

// `globalThis.crypto` rather than `node:crypto`: importing `node:crypto` costs about 10 ms at
// start-up (it pulls in streams and every cipher); the global loads on first use.
function randomHex(bytes: number): string {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(bytes))).toString("hex");
}

/**
 * Replaces `path` with `text` atomically, creating the directory if needed. The temporary file
 * is removed when any step fails.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const { mkdir, open, rename, unlink } = await fsPromises();
  const directory = dirname(path);
  await mkdir(directory, { recursive: true });
  // Same directory as the target: rename is only atomic within one file system.
  const temporary = join(directory, `.${basename(path)}.${process.pid}.${randomHex(4)}.tmp`);
  try {
    const handle = await open(temporary, "w", 0o600);
    try {
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await syncDirectory(directory);
}

/** Makes a rename in `directory` durable; best effort, as not every platform (Windows) can. */
async function syncDirectory(directory: string): Promise<void> {
  const { open } = await fsPromises();
  try {
    const handle = await open(directory, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The rename happened; only its durability across a power loss is not guaranteed.
  }
}
