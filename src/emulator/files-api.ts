/**
 * The files endpoints (docs/moonshot-wire.md "Files"): multipart upload parsed with the
 * platform's own `Request.formData()`, list (with `first_id`, `last_id`, `has_more`), metadata,
 * extracted content and delete (`{"deleted","id","object"}` in that order).
 */
import { invalidRequestDetails } from "./error-responses.ts";
import type { FileObject } from "./file-store.ts";
import { type RequestContext, sendBody, sendJson } from "./http-response.ts";
import { multipartBoundary, parseMultipartUpload } from "./multipart-upload.ts";
import type { EmulatorState } from "./state.ts";
import { UploadSpool } from "./upload-spool.ts";

/**
 * `POST /v1/files`: the form is parsed as it arrives, the file's bytes spooled to a temporary
 * file past `limits.uploadMemoryBytes`; a file over the size limit is refused as soon as its
 * bytes pass the limit (or at once, when `Content-Length` already says so).
 */
export async function handleUpload(ctx: RequestContext, state: EmulatorState): Promise<void> {
  const contentType = ctx.req.headers["content-type"] ?? "";
  const boundary = multipartBoundary(contentType);
  if (!contentType.toLowerCase().startsWith("multipart/form-data") || boundary === undefined) {
    ctx.req.resume();
    throw invalidRequestDetails("content type must be multipart/form-data");
  }
  const declared = Number(ctx.req.headers["content-length"]);
  // Multipart framing around the file bytes (boundaries, part headers, the purpose field).
  if (Number.isFinite(declared) && declared > state.files.limits.maxFileBytes + 64 * 1024) {
    state.files.checkSize(Number.POSITIVE_INFINITY);
  }
  // Not destroyed on an early refusal: the rest of the body is drained, so the error reaches the client.
  const body = ctx.req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>;
  const form = await parseMultipartUpload(body, {
    boundary,
    newSpool: () => new UploadSpool(state.uploadSpool, state.limits.uploadMemoryBytes),
    maxFileBytes: state.files.limits.maxFileBytes,
    onFileTooLarge: () => {
      try {
        state.files.checkSize(Number.POSITIVE_INFINITY);
      } catch (error) {
        return error as Error;
      }
      return invalidRequestDetails("file is too large");
    },
  }).catch((error: unknown) => {
    ctx.req.resume();
    throw error;
  });
  const { file, purpose, filename } = form;
  if (file === undefined) throw invalidRequestDetails("file is required");
  let stored: FileObject;
  try {
    ctx.record.body = {
      purpose,
      filename,
      bytes: file.size,
      ...(file.path === undefined ? {} : { spooledToDisk: true }),
    };
    stored = await state.files.add(filename || "upload", purpose ?? "", file);
  } finally {
    // Before answering, so no temporary file outlives the request.
    await file.discard();
  }
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
