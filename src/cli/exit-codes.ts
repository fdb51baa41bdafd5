/**
 * The CLI's exit codes, a contract scripts depend on: keep them stable.
 */

/** Every exit code the CLI uses. */
export const EXIT = {
  /** The command did what was asked. */
  ok: 0,
  /**
   * The service or the network failed (HTTP error, refused key, cut stream, unreachable host), or
   * the local state (KIMI_STATE_DIR) is damaged or cannot be written (`StateError`).
   */
  serviceFailure: 1,
  /** Bad usage or configuration: a flag, an argument or a `KIMI_*` variable is wrong. */
  usage: 2,
  /** Interrupted by Ctrl-C (SIGINT) or SIGTERM; 128 + SIGINT(2) as shells report it. */
  interrupted: 130,
} as const;

/** One of the values of {@link EXIT}. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
