/**
 * Parsing of `GET /v1/files/{id}/content`.
 *
 * The body is text whose content is a JSON document
 * `{"content","file_type","filename","title","type"}` (reference §4.2). Moonshot recommends
 * pasting that string verbatim into a system message, so the raw string is kept alongside the
 * parsed fields.
 */
import { MalformedResponseError } from "../http/errors.ts";

/** Extracted content of a `file-extract` file. */
export interface FileContent {
  /** The extracted text. */
  content: string;
  /** Original file name, as Moonshot reports it. */
  filename: string;
  /** MIME type Moonshot detected, e.g. `application/pdf`. */
  fileType: string;
  /** Document title (often empty). */
  title: string;
  /** Always `"file"` so far. */
  type: string;
  /** The body exactly as received: the string to put in a system message. */
  raw: string;
}

function stringField(record: Record<string, unknown>, key: string): string {
  const value = record[key];
  return typeof value === "string" ? value : "";
}

/** Parses the content endpoint's body; throws {@link MalformedResponseError} when it is not the documented JSON. */
export function parseFileContent(raw: string, fileId: string): FileContent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (cause) {
    throw new MalformedResponseError(
      `The content of file ${fileId} is not the JSON document Moonshot documents (got: ${raw.slice(0, 80)}). Use the raw text, or report this to the library maintainers.`,
      { cause },
    );
  }
  if (
    !parsed ||
    typeof parsed !== "object" ||
    typeof (parsed as { content?: unknown }).content !== "string"
  ) {
    throw new MalformedResponseError(
      `The content of file ${fileId} has no "content" string (got: ${raw.slice(0, 80)}). Check that the file was uploaded with purpose "file-extract".`,
    );
  }
  const record = parsed as Record<string, unknown>;
  return {
    content: stringField(record, "content"),
    filename: stringField(record, "filename"),
    fileType: stringField(record, "file_type"),
    title: stringField(record, "title"),
    type: stringField(record, "type"),
    raw,
  };
}
