/**
 * Text extraction for `purpose: "file-extract"` uploads (docs/moonshot-wire.md "Files"): text-like formats are
 * decoded as UTF-8 (HTML with tags stripped), PDFs go through `unpdf` (PDF.js, loaded lazily so
 * the server starts fast). Anything else fails the way the service reports failures: the file
 * gets `status: "error"` and `/content` answers 500 `Failed to extract file: …`.
 */
import { extname } from "node:path";

/** Result of an extraction. */
export type Extraction =
  | { ok: true; text: string; fileType: string }
  | { ok: false; error: string; fileType: string };

const TEXT_TYPES: Record<string, string> = {
  ".txt": "text/plain",
  ".log": "text/plain",
  ".md": "text/markdown",
  ".markdown": "text/markdown",
  ".json": "application/json",
  ".jsonl": "application/jsonl",
  ".csv": "text/csv",
  ".tsv": "text/tab-separated-values",
  ".yaml": "application/yaml",
  ".yml": "application/yaml",
  ".xml": "application/xml",
  ".ini": "text/plain",
  ".conf": "text/plain",
  ".toml": "application/toml",
  ".css": "text/css",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".ts": "text/x-typescript",
  ".tsx": "text/x-typescript",
  ".jsx": "text/javascript",
  ".py": "text/x-python",
  ".py3": "text/x-python",
  ".go": "text/x-go",
  ".c": "text/x-c",
  ".h": "text/x-c",
  ".cc": "text/x-c++",
  ".cpp": "text/x-c++",
  ".cxx": "text/x-c++",
  ".cs": "text/x-csharp",
  ".java": "text/x-java",
  ".php": "text/x-php",
  ".rb": "text/x-ruby",
  ".rs": "text/x-rust",
  ".sh": "text/x-shellscript",
  ".sql": "application/sql",
  ".jsp": "text/plain",
  ".asp": "text/plain",
};

const HTML_TYPES = new Set([".html", ".htm", ".xhtml"]);

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

/** Visible text of an HTML document: scripts/styles dropped, tags stripped, entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|noscript|template)\b[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<(br|\/p|\/div|\/h[1-6]|\/li|\/tr|\/title)\b[^>]*>/gi, "\n")
    .replace(/<[^>]+>/g, " ")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
      if (entity[0] === "#") {
        const code =
          entity[1] === "x" || entity[1] === "X"
            ? Number.parseInt(entity.slice(2), 16)
            : Number(entity.slice(1));
        return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[entity.toLowerCase()] ?? whole;
    })
    .replace(/[ \t\f\v\r]+/g, " ")
    .replace(/ *\n[\s]*/g, "\n")
    .trim();
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return text.includes("\u0000") ? undefined : text;
  } catch {
    return undefined;
  }
}

async function extractPdf(bytes: Uint8Array): Promise<string> {
  const { extractText, getDocumentProxy } = await import("unpdf");
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  try {
    const { text } = await extractText(pdf, { mergePages: true });
    return text.trim();
  } finally {
    await pdf.destroy();
  }
}

function isPdf(bytes: Uint8Array): boolean {
  return bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46; // %PDF
}

/** Extracts the text of an uploaded file, choosing the method by extension and magic bytes. */
export async function extractText(filename: string, bytes: Uint8Array): Promise<Extraction> {
  const ext = extname(filename).toLowerCase();
  if (ext === ".pdf" || isPdf(bytes)) {
    const fileType = "application/pdf";
    try {
      const text = await extractPdf(bytes);
      // Image-only PDFs need OCR, which the emulator does not do (docs FAQ).
      if (!text) return { ok: false, error: "no text found in the PDF", fileType };
      return { ok: true, text, fileType };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error), fileType };
    }
  }
  if (HTML_TYPES.has(ext)) {
    const text = decodeUtf8(bytes);
    if (text === undefined)
      return { ok: false, error: "invalid utf-8 in HTML file", fileType: "text/html" };
    return { ok: true, text: htmlToText(text), fileType: "text/html" };
  }
  const known = TEXT_TYPES[ext];
  const text = decodeUtf8(bytes);
  if (text !== undefined) return { ok: true, text, fileType: known ?? "text/plain" };
  return {
    ok: false,
    error: `unsupported file type ${ext || "(no extension)"}: the emulator extracts text files and PDFs only`,
    fileType: known ?? "application/octet-stream",
  };
}
