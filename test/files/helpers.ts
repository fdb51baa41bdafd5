/** Shared setup of the files tests: temp directories and clients pointed at an emulator. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKimi, type Kimi, type KimiOptions } from "../../src/client.ts";

/** A temp directory removed by `cleanup()`. */
export async function tempDir(
  prefix = "kimi-files-",
): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** Writes `content` to `dir/name` and returns the path. */
export async function writeTemp(
  dir: string,
  name: string,
  content: string | Uint8Array,
): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** A client for `baseURL` with its registry in `stateDir`, no env leakage, fast retries. */
export function clientFor(baseURL: string, stateDir: string, extra: KimiOptions = {}): Kimi {
  return createKimi({
    apiKey: "sk-test",
    baseURL,
    stateDir,
    env: {},
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...extra,
  });
}
