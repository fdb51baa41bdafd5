/**
 * Where the library keeps local state (the uploaded-file registry): option `stateDir`, else the
 * environment variable `KIMI_STATE_DIR`, else `~/.kimi-provider`.
 */
import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** Default state directory name under the home directory. */
export const DEFAULT_STATE_DIR_NAME = ".kimi-provider";

/** Resolves the state directory to an absolute path. */
export function resolveStateDir(
  option: string | undefined,
  env: Record<string, string | undefined> = process.env,
): string {
  const chosen = option?.trim() || env.KIMI_STATE_DIR?.trim();
  return chosen ? resolve(chosen) : join(homedir(), DEFAULT_STATE_DIR_NAME);
}
