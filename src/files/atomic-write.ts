/**
 * Atomic file replacement: write a temporary file beside the target, flush it, then rename it over
 * the target. A crash or a concurrent reader sees the old file or the new one, never a torn one.
 * Used by the uploaded-file registry and the CLI's usage ledger.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Replaces `path` with `text` atomically, creating the directory if needed. The temporary file
 * is removed when any step fails.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true });
  // Same directory as the target: rename is only atomic within one file system.
  const temporary = join(
    directory,
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
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
