/**
 * `GET /v1/models`: the models the account can use, with the capability flags the service reports
 * (docs/moonshot-wire.md, "Accounts and hosts").
 */

import { MalformedResponseError } from "../errors/error-classes.ts";
import type { HttpTransport } from "../http/transport.ts";

/** One entry of `GET /v1/models`, in camelCase. */
export interface RemoteModel {
  id: string;
  created: number | undefined;
  ownedBy: string | undefined;
  contextLength: number | undefined;
  supportsImageIn: boolean | undefined;
  supportsVideoIn: boolean | undefined;
  supportsReasoning: boolean | undefined;
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function optionalBoolean(value: unknown): boolean | undefined {
  return typeof value === "boolean" ? value : undefined;
}

/** Lists the models the account can use (GET /v1/models). */
export async function listModels(
  http: HttpTransport,
  options: { signal?: AbortSignal } = {},
): Promise<RemoteModel[]> {
  const body = await http.json<unknown>({ method: "GET", path: "/models", signal: options.signal });
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) {
    throw new MalformedResponseError(
      "GET /models did not return a `data` list. Check that KIMI_BASE_URL points at the Moonshot API.",
    );
  }
  const models: RemoteModel[] = [];
  for (const entry of data) {
    if (!entry || typeof entry !== "object") continue;
    const raw = entry as Record<string, unknown>;
    if (typeof raw.id !== "string") continue;
    models.push({
      id: raw.id,
      created: optionalNumber(raw.created),
      ownedBy: typeof raw.owned_by === "string" ? raw.owned_by : undefined,
      contextLength: optionalNumber(raw.context_length),
      supportsImageIn: optionalBoolean(raw.supports_image_in),
      supportsVideoIn: optionalBoolean(raw.supports_video_in),
      supportsReasoning: optionalBoolean(raw.supports_reasoning),
    });
  }
  return models;
}
