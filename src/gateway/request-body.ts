/**
 * Reads a request body with a size cap, and parses JSON bodies. A body over the cap is refused
 * with a 413 before it is read further, and nothing is sent upstream.
 */
import type { IncomingMessage } from "node:http";
import { invalidRequest } from "./error-envelope.ts";

function tooLarge(limit: number): Error {
  return invalidRequest(
    `The request body is larger than this gateway accepts (${limit} bytes). Send less: shorten the conversation, or upload large documents with /v1/files.`,
    413,
  );
}

/** Reads the whole body of `req`, refusing one larger than `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      reject(tooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.on("end", () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
    );
    req.on("error", reject);
  });
}

/** Parses a JSON body; malformed JSON is a 400 saying where it broke. */
export function parseJsonBody(buffer: Buffer): unknown {
  if (buffer.length === 0) throw invalidRequest("The request body is empty: send a JSON object.");
  try {
    return JSON.parse(buffer.toString("utf8"));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw invalidRequest(
      `The request body is not valid JSON (${detail}). Nothing was sent to Kimi.`,
    );
  }
}
