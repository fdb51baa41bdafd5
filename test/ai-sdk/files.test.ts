/**
 * File parts through the AI SDK: a document (PDF, text) in a user message is uploaded for
 * extraction, its text goes in a system message, and the file is deleted afterwards (the
 * emulator's file list is empty); images go as `image_url` parts, `ms://` references unchanged.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { APICallError, generateText, streamText } from "ai";
import { tinyPdf } from "../emulator/helpers.ts";
import { type AiSdkFixture, startFixture } from "./helpers.ts";

let fx: AiSdkFixture;
before(async () => {
  fx = await startFixture();
});
after(() => fx.close());

/** Method and path of every request since the last clear, file ids replaced by `{id}`. */
function traffic(): string[] {
  return fx.emu.requests.map(
    (r) => `${r.method} ${r.path.replace(/\/files\/[^/]+/, "/files/{id}")}`,
  );
}

async function emulatorFiles(): Promise<unknown[]> {
  const response = await fetch(`${fx.emu.baseURL}/files`, {
    headers: { authorization: "Bearer sk-any" },
  });
  return ((await response.json()) as { data: unknown[] }).data;
}

describe("file parts on kimi-provider/ai-sdk", () => {
  it("uploads a PDF, puts its extracted text in a system message, and deletes it", async () => {
    fx.emu.clearRequests();
    const kimi = fx.provider();
    const result = await generateText({
      model: kimi("kimi-k2.6"),
      system: "You answer from the documents.",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is the launch day?" },
            {
              type: "file",
              data: tinyPdf("Launch day is Tuesday"),
              mediaType: "application/pdf",
              filename: "plan.pdf",
            },
          ],
        },
      ],
    });
    assert.ok(result.text.length > 0);
    assert.deepEqual(traffic(), [
      "POST /v1/files",
      "GET /v1/files/{id}/content",
      "POST /v1/chat/completions",
      "DELETE /v1/files/{id}",
    ]);
    const upload = fx.emu.requests[0]?.body as { purpose: string; filename: string };
    assert.equal(upload.purpose, "file-extract");
    assert.equal(upload.filename, "plan.pdf");
    const messages = fx.lastChatBody().messages as { role: string; content: unknown }[];
    assert.deepEqual(
      messages.map((m) => m.role),
      ["system", "system", "user"],
    );
    assert.equal(messages[0]?.content, "You answer from the documents.");
    const extracted = JSON.parse(String(messages[1]?.content)) as {
      content: string;
      filename: string;
    };
    assert.match(extracted.content, /Launch day is Tuesday/);
    assert.equal(extracted.filename, "plan.pdf");
    // The document part left the user message; its text stayed.
    assert.equal(messages[2]?.content, "What is the launch day?");
    assert.deepEqual(await emulatorFiles(), []);
    assert.deepEqual(await kimi.client.files.registry.read(), []);
  });

  it("does the same for a text document in a streamed call, named when it has no name", async () => {
    fx.emu.clearRequests();
    const kimi = fx.provider();
    const result = streamText({
      model: kimi("kimi-k2.6"),
      messages: [
        {
          role: "user",
          content: [
            { type: "file", data: Buffer.from("Budget: 42 credits."), mediaType: "text/plain" },
          ],
        },
      ],
    });
    assert.ok((await result.text).length > 0);
    assert.deepEqual(traffic(), [
      "POST /v1/files",
      "GET /v1/files/{id}/content",
      "POST /v1/chat/completions",
      "DELETE /v1/files/{id}",
    ]);
    assert.equal(
      (fx.emu.requests[0]?.body as { filename?: string } | undefined)?.filename,
      "document-1.txt",
    );
    const messages = fx.lastChatBody().messages as { role: string; content: unknown }[];
    assert.match(String(messages[0]?.content), /Budget: 42 credits\./);
    // A message that held only the document keeps a line of text (an empty one is a 400).
    assert.deepEqual(messages[1], {
      role: "user",
      content: "Please read the attached document(s).",
    });
    assert.deepEqual(await emulatorFiles(), []);
  });

  it("deletes the uploaded document when the chat fails", async () => {
    fx.emu.clearRequests();
    const failure = await generateText({
      model: fx.provider({ maxRetries: 0 })("kimi-k2.6"),
      maxRetries: 0,
      headers: { "x-emulator-fault": "error status=503 type=server_unavailable message=down" },
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Summarise" },
            {
              type: "file",
              data: Buffer.from("Some notes."),
              mediaType: "text/plain",
              filename: "n.txt",
            },
          ],
        },
      ],
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(APICallError.isInstance(failure));
    assert.equal(failure.statusCode, 503);
    assert.equal(traffic().at(-1), "DELETE /v1/files/{id}");
    assert.deepEqual(await emulatorFiles(), []);
  });

  it("sends images as image_url parts: bytes as a data URL, ms:// references unchanged", async () => {
    const png = await readFile(new URL("../fixtures/files/pixel.png", import.meta.url));
    fx.emu.clearRequests();
    await generateText({
      model: fx.provider()("kimi-k2.6"),
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Compare these" },
            { type: "image", image: png, mediaType: "image/png" },
            { type: "image", image: new URL("ms://file-img-123") },
          ],
        },
      ],
    });
    const user = (fx.lastChatBody().messages as { content: unknown }[])[0];
    assert.deepEqual(user?.content, [
      { type: "text", text: "Compare these" },
      { type: "image_url", image_url: { url: `data:image/png;base64,${png.toString("base64")}` } },
      { type: "image_url", image_url: { url: "ms://file-img-123" } },
    ]);
    assert.deepEqual(traffic(), ["POST /v1/chat/completions"], "nothing uploaded or downloaded");
  });
});
