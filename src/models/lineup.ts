/**
 * Lineups: which catalog models Moonshot served at a given time, derived from each row's
 * `releasedOn` and `retiredOn`. The emulator serves a lineup (today's by default) and answers
 * every other id with the service's 404. Pure data; shared by the client and the emulator.
 */
import { MODEL_CATALOG } from "./catalog.ts";
import type { ModelInfo } from "./model-info.ts";

/**
 * The named lineups and the day each one describes.
 * - `2026-09`: the service as recorded in September 2026 (kimi-k3, kimi-k2.7-code(-highspeed),
 *   kimi-k2.6).
 * - `2025-10`: the seed document's era (kimi-k2-*-preview, kimi-thinking-preview, moonshot-v1-*).
 */
export const LINEUPS = { "2026-09": "2026-09-30", "2025-10": "2025-10-31" } as const;

/** A lineup: the set of models Moonshot served at one time (`2025-10`, `2026-09`). */
export type Lineup = keyof typeof LINEUPS;

/** The lineup served when none is named: the service of today. */
export const CURRENT_LINEUP: Lineup = "2026-09";

/** Whether `name` is a known lineup. */
export function isLineup(name: string): name is Lineup {
  return Object.hasOwn(LINEUPS, name);
}

/** The catalog models online on `day` (YYYY-MM-DD): released on or before it, not yet retired. */
export function modelsOnlineOn(
  day: string,
  catalog: readonly ModelInfo[] = MODEL_CATALOG,
): ModelInfo[] {
  return catalog.filter(
    (model) =>
      model.releasedOn !== undefined &&
      model.releasedOn <= day &&
      (model.retiredOn === undefined || model.retiredOn > day),
  );
}

/** The catalog models of a named lineup. */
export function lineupModels(lineup: Lineup): ModelInfo[] {
  return modelsOnlineOn(LINEUPS[lineup]);
}
