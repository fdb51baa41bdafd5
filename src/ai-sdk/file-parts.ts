/**
 * The AI SDK's file parts, as Moonshot takes them:
 * - images and videos become `image_url` / `video_url` parts whose URL is a base64 data URL or an
 *   `ms://<file_id>` reference to an uploaded file, passed through unchanged (docs/moonshot-wire.md,
 *   "Files");
 * - documents (PDF, text, office files) cannot be sent in a message at all: they are uploaded
 *   for extraction and their text goes in a system message (see `convert-prompt.ts`).
 */
import {
  type LanguageModelV4FilePart,
  type SharedV4FileData,
  UnsupportedFunctionalityError,
} from "@ai-sdk/provider";
import type { ChatFileItem, ImageUrlPart, VideoUrlPart } from "kimi-provider";

/** A file part turned into a message part, or into a document to upload. */
export type ConvertedFilePart =
  | { kind: "media"; part: ImageUrlPart | VideoUrlPart }
  | { kind: "document"; document: ChatFileItem & { filename: string } };

const MS_REFERENCE = /^ms:\/\//i;

/** File names by media type: Moonshot picks the extractor from the upload's extension. */
const DOCUMENT_EXTENSIONS: Record<string, string> = {
  "application/pdf": "pdf",
  "text/plain": "txt",
  "text/markdown": "md",
  "text/html": "html",
  "text/csv": "csv",
  "application/json": "json",
  "application/msword": "doc",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.ms-excel": "xls",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
  "application/vnd.ms-powerpoint": "ppt",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
  "application/epub+zip": "epub",
};

/** The `image` in `image/png`; a bare `image` or `image/*` is its own top level. */
function topLevel(mediaType: string): string {
  return (mediaType.split("/")[0] ?? "").toLowerCase();
}

function fullType(mediaType: string): string | undefined {
  const [top, sub] = mediaType.toLowerCase().split("/");
  return top && sub && sub !== "*" ? `${top}/${sub}` : undefined;
}

function bytesOf(data: Uint8Array | string): Uint8Array {
  return typeof data === "string" ? Buffer.from(data, "base64") : data;
}

function base64Of(data: Uint8Array | string): string {
  return typeof data === "string" ? data : Buffer.from(data).toString("base64");
}

/** Image types told apart by their first bytes, for parts that only say `image`. */
function sniffImageType(bytes: Uint8Array): string | undefined {
  const starts = (...signature: number[]) => signature.every((byte, i) => bytes[i] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x47, 0x49, 0x46, 0x38)) return "image/gif";
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45) return "image/webp";
  return undefined;
}

function unsupported(functionality: string): UnsupportedFunctionalityError {
  return new UnsupportedFunctionalityError({ functionality });
}

/** `ms://<id>` for a provider reference (`{ kimi: "file-id" }` or `{ kimi: "ms://file-id" }`). */
function referenceUrl(data: SharedV4FileData): string | undefined {
  if (data.type !== "reference") return undefined;
  const id = data.reference.kimi ?? data.reference.moonshotai;
  if (id === undefined) return undefined;
  return MS_REFERENCE.test(id) ? id : `ms://${id}`;
}

function mediaUrl(part: LanguageModelV4FilePart, kind: "image" | "video"): string {
  const { data } = part;
  switch (data.type) {
    case "url":
      // ms:// and data: URLs go through verbatim; other URLs only reach here when the caller
      // kept them (the AI SDK downloads what `supportedUrls` does not list).
      return data.originalUrl ?? data.url.href;
    case "reference": {
      const url = referenceUrl(data);
      if (url === undefined) {
        throw unsupported(
          `a ${kind} file reference without a "kimi" entry (use { kimi: "<file id>" } or an ms:// URL)`,
        );
      }
      return url;
    }
    case "text":
      throw unsupported(`a ${kind} part given as text`);
    case "data": {
      const type =
        fullType(part.mediaType) ??
        (kind === "image" ? sniffImageType(bytesOf(data.data)) : undefined);
      if (type === undefined) {
        throw unsupported(
          `a ${kind} part of media type "${part.mediaType}" (give the full type, e.g. ${kind === "image" ? "image/png" : "video/mp4"})`,
        );
      }
      return `data:${type};base64,${base64Of(data.data)}`;
    }
  }
}

function documentFilename(part: LanguageModelV4FilePart, index: number): string {
  if (part.filename) return part.filename;
  const type = fullType(part.mediaType);
  const extension =
    (type && DOCUMENT_EXTENSIONS[type]) ?? (topLevel(part.mediaType) === "text" ? "txt" : "bin");
  return `document-${index + 1}.${extension}`;
}

/**
 * Converts one file part of a user message. `index` numbers the documents of the prompt, for
 * names of parts that have none.
 */
export function convertFilePart(part: LanguageModelV4FilePart, index: number): ConvertedFilePart {
  const top = topLevel(part.mediaType);
  if (top === "image") {
    return {
      kind: "media",
      part: { type: "image_url", image_url: { url: mediaUrl(part, "image") } },
    };
  }
  if (top === "video") {
    return {
      kind: "media",
      part: { type: "video_url", video_url: { url: mediaUrl(part, "video") } },
    };
  }
  if (top === "audio") throw unsupported("audio input (Kimi models take text, images and video)");
  const filename = documentFilename(part, index);
  const { data } = part;
  switch (data.type) {
    case "data":
      return { kind: "document", document: { file: bytesOf(data.data), filename } };
    case "text":
      return {
        kind: "document",
        document: { file: new TextEncoder().encode(data.text), filename },
      };
    case "url":
    case "reference":
      throw unsupported(
        "a document given by URL or reference (pass its bytes: documents are uploaded for extraction on each call)",
      );
  }
}
