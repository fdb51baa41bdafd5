/**
 * Parsing of `GET /v1/files/{id}/content`.
 *
 * Two shapes are accepted (docs/moonshot-wire.md, "Files"): the JSON document
 * `{"content","file_type","filename","title","type"}` (recorded, 2024), and plain extracted text
 * (what the 2026 docs describe). Moonshot recommends pasting the body verbatim into a system
 * message, so the raw string is kept alongside the parsed fields.
 */

/** Extracted content of a `file-extract` file. */
export interface FileContent {
  /** The extracted text. */
  content: string;
  /** Original file name, as Moonshot reports it (`""` when the body was plain text). */
  filename: string;
  /** MIME type Moonshot detected, e.g. `application/pdf` (`""` when the body was plain text). */
  fileType: string;
  /** Document title (often empty). */
  title: string;
  /** `"file"` in the JSON document; `"file"` too for plain text. */
  type: string;
  /** Which shape the service answered with: the JSON document, or plain text. */
  format: "json" | "text";
  /** The body exactly as received: the string to put in a system message. */
  raw: string;
}

function stringField(record: Record<string, unknown>, key: string): string {
  const value = record[key];
  return typeof value === "string" ? value : "";
}

function plainText(raw: string): FileContent {
  return { content: raw, filename: "", fileType: "", title: "", type: "file", format: "text", raw };
}

/**
 * Parses the content endpoint's body. A body that is not a JSON object with a `content` string is
 * plain extracted text (`format: "text"`, `content` = the body); never throws. The
 * `Content-Type` cannot tell the two apart: the JSON document is documented as `text/plain` too.
 */
export function parseFileContent(raw: string, _fileId?: string): FileContent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return plainText(raw);
  }
  if (
    !parsed ||
    typeof parsed !== "object" ||
    Array.isArray(parsed) ||
    typeof (parsed as { content?: unknown }).content !== "string"
  ) {
    return plainText(raw);
  }
  const record = parsed as Record<string, unknown>;
  return {
    content: stringField(record, "content"),
    filename: stringField(record, "filename"),
    fileType: stringField(record, "file_type"),
    title: stringField(record, "title"),
    type: stringField(record, "type"),
    format: "json",
    raw,
  };
}
