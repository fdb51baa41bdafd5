/**
 * Which local files the MCP file tools accept: the formats Moonshot's file-extract purpose
 * documents (Files API, https://platform.moonshot.ai/docs: PDF, office documents, e-books, web
 * pages, images through OCR, plain text and source code). Anything else is refused before a
 * byte is read, with the list in the message, instead of an upload the service would fail.
 */
import { extname } from "node:path";

/** Extensions whose bytes are UTF-8 text: their tokens can be estimated without an upload. */
export const TEXT_EXTENSIONS: ReadonlySet<string> = new Set([
  ".txt",
  ".md",
  ".markdown",
  ".log",
  ".csv",
  ".tsv",
  ".json",
  ".yaml",
  ".yml",
  ".ini",
  ".conf",
  ".toml",
  ".xml",
  ".html",
  ".htm",
  ".css",
  ".js",
  ".mjs",
  ".cjs",
  ".jsx",
  ".ts",
  ".tsx",
  ".py",
  ".py3",
  ".go",
  ".c",
  ".h",
  ".cc",
  ".cpp",
  ".cxx",
  ".cs",
  ".java",
  ".php",
  ".rb",
  ".rs",
  ".sh",
  ".jsp",
  ".asp",
  ".sql",
]);

/** Extensions the service extracts text from server-side (documents, e-books, images by OCR). */
export const EXTRACTED_EXTENSIONS: ReadonlySet<string> = new Set([
  ".pdf",
  ".doc",
  ".docx",
  ".dot",
  ".dotx",
  ".xls",
  ".xlsx",
  ".ppt",
  ".pptx",
  ".epub",
  ".mobi",
  ".jpeg",
  ".jpg",
  ".png",
  ".bmp",
  ".gif",
  ".svg",
  ".webp",
  ".tif",
  ".tiff",
]);

/** How a file of this name is read: locally as text, extracted by the service, or not at all. */
export type DocumentKind = "text" | "extracted" | "unsupported";

/** The kind of a file, from its extension (case-insensitive). */
export function documentKind(path: string): DocumentKind {
  const extension = extname(path).toLowerCase();
  if (TEXT_EXTENSIONS.has(extension)) return "text";
  if (EXTRACTED_EXTENSIONS.has(extension)) return "extracted";
  return "unsupported";
}

/** The accepted extensions, for messages. */
export function supportedExtensions(): string {
  return [...EXTRACTED_EXTENSIONS, ...TEXT_EXTENSIONS].join(" ");
}
