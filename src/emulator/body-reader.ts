/**
 * Reads request bodies with a size cap (docs: chat bodies ≤ 100 MB, `limits.maxRequestBytes`)
 * and parses JSON bodies. The cap is checked against `Content-Length` before any byte is read,
 * and counted chunk by chunk for a streamed body, so an oversized body is refused without being
 * buffered; the bytes held are reserved in the emulator's {@link RequestBudget} until the
 * response ends.
 */
import type { EmulatorApiError } from "./error-responses.ts";
import { invalidRequestDetails } from "./error-responses.ts";
import { formatSize } from "./file-store.ts";
import type { RequestContext } from "./http-response.ts";
import { engineOverloaded, type RequestBudget } from "./request-budget.ts";

/**
 * Reads the whole body; rejects with `onTooLarge()` past `limit` bytes and with the overload 429
 * when the emulator already holds `budget`'s worth of bodies. The bytes stay reserved until the
 * response closes.
 */
export function readBody(
  ctx: RequestContext,
  limit: number,
  budget: RequestBudget,
  onTooLarge: () => EmulatorApiError,
): Promise<Buffer> {
  const { req, res } = ctx;
  return new Promise((resolve, reject) => {
    let reserved = 0;
    res.once("close", () => budget.release(reserved));
    const refuse = (error: EmulatorApiError) => {
      req.removeAllListeners("data");
      // The rest of the body is discarded as it arrives, never kept.
      req.resume();
      reject(error);
    };
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared)) {
      if (declared > limit) return refuse(onTooLarge());
      if (!budget.tryReserve(declared)) return refuse(engineOverloaded());
      reserved = declared;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return refuse(onTooLarge());
      if (size > reserved) {
        if (!budget.tryReserve(size - reserved)) return refuse(engineOverloaded());
        reserved = size;
      }
      chunks.push(chunk);
    });
    req.on("end", () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
    );
    req.on("error", reject);
  });
}

/** Parses a JSON body; malformed JSON is a 400. */
export function parseJson(buffer: Buffer): unknown {
  if (buffer.length === 0) return undefined;
  try {
    return JSON.parse(buffer.toString("utf8"));
  } catch {
    throw invalidRequestDetails("the request body is not valid JSON");
  }
}

/** The default request body cap (docs: "Request body ≤100 MB"). */
export const DEFAULT_MAX_REQUEST_BYTES = 100 * 1024 * 1024;

/** 400 for a JSON body over the cap (no recorded wording; the service's `Invalid request:` template). */
export function bodyTooLarge(limit: number): EmulatorApiError {
  return invalidRequestDetails(`request body is too large, max size is ${formatSize(limit)}`);
}
