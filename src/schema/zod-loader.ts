/**
 * zod, loaded only when a feature needs it. Loading zod costs about 90 ms, more than the rest of
 * the library together, and most programs never need it: a schema the caller built with zod
 * carries its own methods (`safeParse`, `toJSONSchema`), so zod itself is needed only to turn a
 * raw JSON Schema into a validator or to validate user model overrides.
 *
 * The load is synchronous (`defineTool`, `createKimi` are synchronous) through `require`, which
 * zod supports (`exports["."].require`). zod keeps its global registry (`.describe()`, `.meta()`)
 * and configuration on `globalThis`, so this copy and a copy the caller imported share them.
 */
import { createRequire } from "node:module";
import type * as ZodModule from "zod";

/** The zod module (`import * as z from "zod"`). */
export type Zod = typeof ZodModule;

let zod: Zod | undefined;

/** zod, required on first use and cached. */
export function loadZod(): Zod {
  zod ??= createRequire(import.meta.url)("zod") as Zod;
  return zod;
}

/**
 * True when `value` is a zod schema. This is exactly what `value instanceof z.ZodType` checks
 * (zod's constructors test the instance's `_zod.traits`), without loading zod, and it also
 * recognises schemas from another copy of zod.
 */
export function isZodSchema(value: unknown): value is ZodModule.ZodType {
  if (typeof value !== "object" || value === null) return false;
  const internals = (value as { _zod?: { traits?: unknown } })._zod;
  return internals?.traits instanceof Set && internals.traits.has("ZodType");
}
