/**
 * The files endpoints (reference §4.2): multipart upload parsed with the platform's own
 * `Request.formData()`, list, metadata, extracted content and delete.
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

/** `GET /v1/files`. */
export function handleList(ctx: RequestContext, state: EmulatorState): void {
  sendJson(ctx, 200, { object: "list", data: state.files.list() });
}

/** `GET /v1/files/{id}`. */
export function handleGet(ctx: RequestContext, state: EmulatorState, id: string): void {
  sendJson(ctx, 200, state.files.get(id));
}

/** `GET /v1/files/{id}/content`: text/plain whose text is a JSON document (§4.2). */
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
  sendJson(ctx, 200, { id, object: "file", deleted: true });
}
