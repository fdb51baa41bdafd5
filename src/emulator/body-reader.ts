/**
 * Reads request bodies with a size cap (docs: chat bodies ≤ 100 MB; uploads are capped
 * at the per-file limit plus multipart overhead) and parses JSON bodies.
 */
import type { IncomingMessage } from "node:http";
import { type EmulatorApiError, invalidRequestDetails } from "./error-responses.ts";

/** Reads the whole body; `onTooLarge` builds the error when `limit` is exceeded. */
export function readBody(
  req: IncomingMessage,
  limit: number,
  onTooLarge: () => EmulatorApiError,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(onTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        reject(onTooLarge());
        return;
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

/** The chat body cap (docs: "Request body ≤100 MB"). */
export const MAX_JSON_BODY = 100 * 1024 * 1024;

/** 400 for a JSON body over the cap. */
export function bodyTooLarge(): EmulatorApiError {
  return invalidRequestDetails("request body is too large, max size is 100MB");
}
