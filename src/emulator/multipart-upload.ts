/**
 * A streaming `multipart/form-data` parser for `POST /v1/files` (fields `file` and `purpose`,
 * docs/moonshot-wire.md "Files"): the request is read chunk by chunk and the file's bytes go to
 * an {@link UploadSpool} (memory, then a temporary file), so an upload is never buffered whole
 * and the request is read no faster than the spool takes it. RFC 7578 framing: parts separated
 * by `--boundary` lines, each with its own headers, the last boundary followed by `--`.
 */
import { invalidRequestDetails } from "./error-responses.ts";
import type { UploadSpool } from "./upload-spool.ts";

/** What the upload form carried. */
export interface MultipartUpload {
  /** The `purpose` field, when present. */
  purpose: string | undefined;
  /** The `file` part's `filename`. */
  filename: string | undefined;
  /** The `file` part's bytes; `undefined` when no part named `file` carried a filename. */
  file: UploadSpool | undefined;
}

/** How to parse. */
export interface MultipartOptions {
  /** The `boundary` parameter of the Content-Type. */
  boundary: string;
  /** A fresh spool for the file part. */
  newSpool: () => UploadSpool;
  /** Largest file part; past it `onFileTooLarge()` is thrown before the rest is read. */
  maxFileBytes: number;
  /** The error for a file part over `maxFileBytes`. */
  onFileTooLarge: () => Error;
}

/** Part headers longer than this are not a form a client sends. */
const MAX_PART_HEADER_BYTES = 16 * 1024;
/** Text fields (purpose) longer than this are refused. */
const MAX_FIELD_BYTES = 64 * 1024;

/** The `boundary` of a `multipart/form-data` Content-Type, or `undefined`. */
export function multipartBoundary(contentType: string): string | undefined {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

function malformed(): Error {
  return invalidRequestDetails("malformed multipart/form-data body");
}

function dispositionParam(header: string, name: string): string | undefined {
  const quoted = new RegExp(`;\\s*${name}="((?:[^"\\\\]|\\\\.)*)"`, "i").exec(header);
  if (quoted) return (quoted[1] as string).replace(/\\(.)/g, "$1");
  return new RegExp(`;\\s*${name}=([^;\\s]+)`, "i").exec(header)?.[1];
}

interface PartHeaders {
  name: string | undefined;
  filename: string | undefined;
}

function parsePartHeaders(block: string): PartHeaders {
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) throw malformed();
    if (line.slice(0, colon).trim().toLowerCase() !== "content-disposition") continue;
    const value = line.slice(colon + 1);
    return { name: dispositionParam(value, "name"), filename: dispositionParam(value, "filename") };
  }
  throw malformed();
}

/**
 * Reads the whole form from `body`. Throws `invalidRequestDetails("malformed multipart/form-data
 * body")` on broken framing, and discards the spool on any failure.
 */
export async function parseMultipartUpload(
  body: AsyncIterable<Buffer>,
  options: MultipartOptions,
): Promise<MultipartUpload> {
  // The first boundary has no CRLF before it: start with one so every delimiter looks alike.
  const delimiter = Buffer.from(`\r\n--${options.boundary}`);
  const result: MultipartUpload = { purpose: undefined, filename: undefined, file: undefined };
  let state: "preamble" | "after-delimiter" | "headers" | "body" | "done" = "preamble";
  let buffer: Buffer = Buffer.from("\r\n");
  let part: PartHeaders | undefined;
  let spool: UploadSpool | undefined;
  let field: Buffer[] = [];
  let fieldBytes = 0;

  const emit = async (bytes: Buffer): Promise<void> => {
    if (bytes.length === 0) return;
    if (spool) {
      if (spool.size + bytes.length > options.maxFileBytes) throw options.onFileTooLarge();
      await spool.write(bytes);
      return;
    }
    fieldBytes += bytes.length;
    if (fieldBytes > MAX_FIELD_BYTES) throw invalidRequestDetails("a form field is too large");
    field.push(bytes);
  };
  const endPart = async (): Promise<void> => {
    if (spool) {
      await spool.finish();
      spool = undefined;
    } else if (part?.name === "purpose" && result.purpose === undefined) {
      result.purpose = Buffer.concat(field).toString("utf8");
    }
    field = [];
    fieldBytes = 0;
  };
  const startPart = (headers: PartHeaders): void => {
    part = headers;
    // The first `file` part with a filename is the upload; a second one is ignored.
    if (headers.name === "file" && headers.filename !== undefined && !result.file) {
      spool = options.newSpool();
      result.file = spool;
      result.filename = headers.filename;
    }
  };

  try {
    for await (const chunk of body) {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      for (;;) {
        if (state === "done") break;
        if (state === "preamble" || state === "body") {
          const at = buffer.indexOf(delimiter);
          if (at < 0) {
            // Keep what could be the start of a delimiter split across chunks.
            const keep = Math.min(buffer.length, delimiter.length - 1);
            if (state === "body") await emit(buffer.subarray(0, buffer.length - keep));
            buffer = buffer.subarray(buffer.length - keep);
            break;
          }
          if (state === "body") {
            await emit(buffer.subarray(0, at));
            await endPart();
          }
          buffer = buffer.subarray(at + delimiter.length);
          state = "after-delimiter";
        }
        if (state === "after-delimiter") {
          if (buffer.length < 2) break;
          if (buffer[0] === 0x2d && buffer[1] === 0x2d) {
            state = "done";
            break;
          }
          const eol = buffer.indexOf("\r\n");
          if (eol < 0) {
            if (buffer.length > 256) throw malformed();
            break;
          }
          // Only transport padding (spaces, tabs) may sit between a boundary and its CRLF.
          if (!/^[ \t]*$/.test(buffer.subarray(0, eol).toString("latin1"))) throw malformed();
          buffer = buffer.subarray(eol + 2);
          state = "headers";
        }
        if (state === "headers") {
          const end = buffer.indexOf("\r\n\r\n");
          if (end < 0) {
            if (buffer.length > MAX_PART_HEADER_BYTES) throw malformed();
            break;
          }
          startPart(parsePartHeaders(buffer.subarray(0, end).toString("utf8")));
          buffer = buffer.subarray(end + 4);
          state = "body";
        }
      }
    }
    if (state !== "done") throw malformed();
    return result;
  } catch (error) {
    await result.file?.discard();
    throw error;
  }
}
