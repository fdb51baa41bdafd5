/**
 * Which generation of Moonshot's wire a model answers with. Models released from 2026 on (K2.5,
 * K2.6, K2.7, K3) answer in the 2026 shape: no `system_fingerprint`, `chatcmpl-<uuid>` ids, a
 * first stream chunk `{"role":"assistant","content":""}`, an empty reasoning delta before the
 * first content, `name_index` tool-call ids with `index` on non-stream calls, and usage without
 * cached keys on a miss. Older models keep the 2025 shape (docs/moonshot-wire.md, "Streams",
 * "Tools", "Usage").
 */
import type { ModelInfo } from "../models/model-info.ts";

/** The wire generation of a model: `"2026"` or `"2025"`. */
export type WireEra = "2025" | "2026";

/** First day of the 2026 wire: K2.5 (released 2026-01-27) is the oldest model recorded in it. */
const ERA_2026_FROM = "2026-01-01";

/**
 * The wire generation a model answers with, from its release day (a model without one counts as
 * 2026 when its sampling is fixed, the rule every 2026 model follows).
 */
export function wireEra(model: ModelInfo): WireEra {
  if (model.releasedOn !== undefined) return model.releasedOn >= ERA_2026_FROM ? "2026" : "2025";
  return model.sampling === "fixed" ? "2026" : "2025";
}
