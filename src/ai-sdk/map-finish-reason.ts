/** Moonshot's `finish_reason` as the specification's unified finish reason (raw value kept). */
import type { LanguageModelV4FinishReason } from "@ai-sdk/provider";

/** Maps a wire finish reason; anything unknown is `other`. */
export function mapFinishReason(raw: string): LanguageModelV4FinishReason {
  switch (raw) {
    case "stop":
      return { unified: "stop", raw };
    case "length":
      return { unified: "length", raw };
    case "tool_calls":
    case "function_call":
      return { unified: "tool-calls", raw };
    case "content_filter":
      return { unified: "content-filter", raw };
    default:
      return { unified: "other", raw };
  }
}
