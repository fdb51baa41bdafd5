/** Raw-HTTP helpers for the emulator tests (no client library on purpose). */
import {
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from "../../src/emulator/index.ts";

export async function withEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator(options);
}

// biome-ignore lint/suspicious/noExplicitAny: tests poke at arbitrary wire JSON.
export type Wire = any;

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: Wire;
}

export async function call(
  emu: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const init: RequestInit = { method, headers: { authorization: "Bearer sk-test", ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] = "application/json";
  }
  const res = await fetch(`${emu.url}${path}`, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export function chat(emu: RunningEmulator, body: unknown, headers: Record<string, string> = {}) {
  return call(emu, "POST", "/v1/chat/completions", body, headers);
}

/** Splits an SSE body into its `data:` payloads (raw strings), asserting the framing. */
export function sseData(text: string): string[] {
  const events = text.split("\n\n");
  const last = events.pop();
  if (last !== "")
    throw new Error(`SSE body does not end with a blank line: ${JSON.stringify(last)}`);
  return events.map((event) => {
    if (!event.startsWith("data: ")) throw new Error(`not a data event: ${event}`);
    return event.slice("data: ".length);
  });
}

/** Parsed chunks (without the [DONE] terminator, which must be last). */
export function sseChunks(text: string): Wire[] {
  const data = sseData(text);
  if (data[data.length - 1] !== "[DONE]") throw new Error("stream does not end with [DONE]");
  return data.slice(0, -1).map((entry) => JSON.parse(entry));
}

export const user = (content: string) => ({ role: "user", content });

/** A minimal valid one-page PDF with the given text (xref offsets computed). */
export function tinyPdf(text: string): Buffer {
  const stream = `BT /F1 24 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xrefAt = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}
