/**
 * What the service sees in an image part: it decodes a `data:` URL and sniffs the bytes, whatever
 * MIME type the URL declares, and refuses anything that is not an image with
 * `Invalid request: unsupported image format: <sniffed type>` (recorded: an SVG answered
 * `text/plain; charset=utf-8`, the type Go's `http.DetectContentType` gives such text). The
 * sniffing below covers the image formats the service takes and the common non-images.
 */

/** The sniffed type of some bytes, and whether the service takes them as an image. */
export interface SniffedFormat {
  /** A MIME type as the service names it (`image/png`, `text/plain; charset=utf-8`, …). */
  mime: string;
  /** Whether it is an image format the service accepts. */
  image: boolean;
}

function startsWith(bytes: Uint8Array, signature: readonly number[], at = 0): boolean {
  if (bytes.length < at + signature.length) return false;
  return signature.every((byte, i) => bytes[at + i] === byte);
}

function ascii(text: string): number[] {
  return [...text].map((char) => char.charCodeAt(0));
}

/** True when the bytes hold no control characters other than whitespace (text, in Go's terms). */
function looksLikeText(bytes: Uint8Array): boolean {
  for (const byte of bytes.subarray(0, 512)) {
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20 && byte !== 0x1b)) return false;
  }
  return true;
}

/** Sniffs the format of some bytes. */
export function sniffFormat(bytes: Uint8Array): SniffedFormat {
  if (startsWith(bytes, [0x89, ...ascii("PNG\r\n\x1a\n")]))
    return { mime: "image/png", image: true };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { mime: "image/jpeg", image: true };
  if (startsWith(bytes, ascii("GIF87a")) || startsWith(bytes, ascii("GIF89a"))) {
    return { mime: "image/gif", image: true };
  }
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBPVP"), 8)) {
    return { mime: "image/webp", image: true };
  }
  if (startsWith(bytes, ascii("BM"))) return { mime: "image/bmp", image: true };
  if (startsWith(bytes, ascii("%PDF-"))) return { mime: "application/pdf", image: false };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return { mime: "application/zip", image: false };
  if (startsWith(bytes, ascii("<?xml"))) return { mime: "text/xml; charset=utf-8", image: false };
  if (bytes.length > 0 && looksLikeText(bytes)) {
    return { mime: "text/plain; charset=utf-8", image: false };
  }
  return { mime: "application/octet-stream", image: false };
}

const DATA_URL = /^data:[^,]*?(;base64)?,/i;

/**
 * The sniffed format of a `data:` URL's bytes, or `undefined` for any other URL (`ms://<file id>`,
 * `https://…`), which the emulator does not fetch.
 */
export function dataUrlImageFormat(url: string): SniffedFormat | undefined {
  const match = DATA_URL.exec(url);
  if (!match) return undefined;
  const payload = url.slice(match[0].length);
  if (match[1]) return sniffFormat(Buffer.from(payload, "base64"));
  let text = payload;
  try {
    text = decodeURIComponent(payload);
  } catch {
    // Not percent-encoded after all: sniff the text as it is.
  }
  return sniffFormat(Buffer.from(text, "utf8"));
}
