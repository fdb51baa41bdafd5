/**
 * `node:fs/promises` and `node:fs`, imported on first use. Importing them costs about 8 ms at
 * start-up (the `node:fs` facade loads the promises API, streams and readline), and only the
 * file features touch the disk, always in async code.
 */

let promisesApi: Promise<typeof import("node:fs/promises")> | undefined;
let callbackApi: Promise<typeof import("node:fs")> | undefined;

/** `node:fs/promises`, loaded once. */
export function fsPromises(): Promise<typeof import("node:fs/promises")> {
  promisesApi ??= import("node:fs/promises");
  return promisesApi;
}

/** `node:fs` (for `openAsBlob`), loaded once. */
export function fsModule(): Promise<typeof import("node:fs")> {
  callbackApi ??= import("node:fs");
  return callbackApi;
}
