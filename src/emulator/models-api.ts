/**
 * `GET /v1/models`: the fields of the docs' OpenAPI description, for the served models only (no
 * body of this endpoint is recorded, docs/moonshot-wire.md "Not recorded anywhere").
 */
import type { ModelInfo } from "../models/model-info.ts";

/** The `/v1/models` body for the served models (built once: the list never changes). */
export function modelsListBody(served: ReadonlyMap<string, ModelInfo>): string {
  return JSON.stringify({
    object: "list",
    data: [...served.values()].map((model) => ({
      id: model.id,
      object: "model",
      // The catalog has no release timestamps; `asOf` is a stable, plausible stand-in.
      created: Math.floor(Date.parse(model.asOf) / 1000),
      owned_by: "moonshot",
      context_length: model.contextWindow,
      supports_image_in: model.capabilities.imageInput,
      supports_video_in: model.capabilities.videoInput,
      supports_reasoning: model.capabilities.thinking !== "none",
    })),
  });
}
