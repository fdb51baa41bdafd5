/** What the sections of the request policy write to: wire fields, notes and warnings. */
import type { KimiWarning } from "../../chat/warnings.ts";

/** The growing result of one policy run, shared by its sections. */
export interface PolicyOutput {
  /** Wire fields to send (`temperature`, `thinking`, `tool_choice`, `max_tokens`, ...). */
  params: Record<string, unknown>;
  /** Human-readable notes of what the policy changed (for debug output). */
  adjustments: string[];
  /** What the caller should be told. */
  warnings: KimiWarning[];
}
