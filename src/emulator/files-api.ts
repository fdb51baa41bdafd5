/**
 * The files endpoints (docs/moonshot-wire.md "Files"): multipart upload parsed with the
 * platform's own `Request.formData()`, list (with `first_id`, `last_id`, `has_more`), metadata,
 * extracted content and delete (`{"deleted","id","object"}` in that order).
 */
import { bodyTooLarge, readBody } from "./body-reader.ts";
import { invalidRequestDetails } from "./error-responses.ts";
import { type RequestContext, sendBody, sendJson } from "./http-response.ts";
import type { EmulatorState } from "./state.ts";

// Multipart framing around the file bytes (boundaries, part headers, the purpose field).
const MULTIPART_OVERHEAD = 64 * 1024;

/** `POST /v1/files`. */
export async function handleUpload(ctx: RequestContext, state: EmulatorState): Promise<void> {
  const contentType = ctx.req.headers["content-type"] ?? "";
  if (!contentType.toLowerCase().startsWith("multipart/form-data")) {
    ctx.req.resume();
    throw invalidRequestDetails("content type must be multipart/form-data");
  }
  const limit = state.files.limits.maxFileBytes + MULTIPART_OVERHEAD;
  const buffer = await readBody(ctx.req, limit, () => {
    try {
      state.files.checkSize(Number.POSITIVE_INFINITY);
    } catch (error) {
      return error as ReturnType<typeof bodyTooLarge>;
    }
    return bodyTooLarge();
  });
  let form: FormData;
  try {
    form = await new Request("http://emulator/v1/files", {
      method: "POST",
      headers: { "content-type": contentType },
      body: buffer,
    }).formData();
  } catch {
    throw invalidRequestDetails("malformed multipart/form-data body");
  }
  const file = form.get("file");
  const purpose = form.get("purpose");
  if (file === null || typeof file === "string") throw invalidRequestDetails("file is required");
  const bytes = new Uint8Array(await file.arrayBuffer());
  ctx.record.body = { purpose, filename: file.name, bytes: bytes.byteLength };
  const stored = await state.files.add(
    file.name || "upload",
    typeof purpose === "string" ? purpose : "",
    bytes,
  );
  sendJson(ctx, 200, stored);
}

/** `GET /v1/files`: every file in one page, so `has_more` is always false. */
export function handleList(ctx: RequestContext, state: EmulatorState): void {
  const data = state.files.list();
  sendJson(ctx, 200, {
    object: "list",
    data,
    first_id: data[0]?.id ?? "",
    last_id: data.at(-1)?.id ?? "",
    has_more: false,
  });
}

/** `GET /v1/files/{id}`. */
export function handleGet(ctx: RequestContext, state: EmulatorState, id: string): void {
  sendJson(ctx, 200, state.files.get(id));
}

/** `GET /v1/files/{id}/content`: text/plain whose text is a JSON document (recorded, 2024). */
export function handleContent(ctx: RequestContext, state: EmulatorState, id: string): void {
  sendBody(ctx, 200, state.files.content(id), "text/plain; charset=utf-8");
}

/** `DELETE /v1/files/{id}`. */
export async function handleDelete(
  ctx: RequestContext,
  state: EmulatorState,
  id: string,
): Promise<void> {
  await state.files.delete(id);
  sendJson(ctx, 200, { deleted: true, id, object: "file" });
}
