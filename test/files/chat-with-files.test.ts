import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { ChatMessage } from "../../src/chat/types.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import {
  AbortError,
  ContextOverflowError,
  FileValidationError,
  InvalidRequestError,
  ServerError,
} from "../../src/errors/error-classes.ts";
import { clientFor, tempDir, writeTemp } from "./helpers.ts";

describe("chat with files", async () => {
  const emu = await startEmulator({ seed: 3 });
  const dir = await tempDir();
  const kimi = clientFor(emu.baseURL, join(dir.path, "state"), { maxRetries: 0 });
  const a = await writeTemp(dir.path, "a.txt", "Alpha document: the launch is on Tuesday.");
  const b = await writeTemp(dir.path, "b.md", "# Beta\nBudget is 42 credits.");
  after(async () => {
    await emu.close();
    await dir.cleanup();
  });

  function chatRequests() {
    return emu.requests.filter((r) => r.path === "/v1/chat/completions");
  }
  async function assertNothingLeft(): Promise<void> {
    assert.deepEqual(await kimi.files.list(), [], "every uploaded file is deleted");
    assert.deepEqual(await kimi.files.registry.read(), [], "and untracked");
  }

  it("lists the uploaded files in the order given, whichever upload finishes first", async () => {
    emu.clearRequests();
    // The first upload to arrive is held back, so it finishes after the others.
    emu.inject({ kind: "delay", ms: 150, path: "/v1/files", method: "POST" });
    const out = await kimi.files.chatWithFiles({
      model: "kimi-k2.6",
      files: [a, { file: Buffer.from("Gamma bytes."), filename: "g.txt" }, b],
      messages: [{ role: "user", content: "When is the launch?" }],
    });
    assert.deepEqual(
      out.files.map((file) => file.filename),
      ["a.txt", "g.txt", "b.md"],
    );
    assert.deepEqual(
      out.contents.map((c) => c.filename),
      ["a.txt", "g.txt", "b.md"],
    );
    await assertNothingLeft();
  });

  it("puts each extracted text verbatim in its own system message, in order, after the system prompt", async () => {
    emu.clearRequests();
    const out = await kimi.files.chatWithFiles({
      model: "kimi-k2.6",
      files: [a, { file: Buffer.from("Gamma bytes."), filename: "g.txt" }, b],
      messages: [
        { role: "system", content: "You are Kimi." },
        { role: "user", content: "When is the launch?" },
      ],
    });
    assert.equal(out.files.length, 3);
    assert.deepEqual(
      out.contents.map((c) => c.filename),
      ["a.txt", "g.txt", "b.md"],
    );
    assert.ok(out.result.content.length > 0);
    assert.deepEqual([...out.deletion.deleted].sort(), out.files.map((f) => f.id).sort());
    assert.deepEqual(out.deletion.failed, []);

    const sent = chatRequests()[0]?.body as { messages: ChatMessage[] };
    assert.deepEqual(sent.messages, [
      { role: "system", content: "You are Kimi." },
      { role: "system", content: out.contents[0]?.raw },
      { role: "system", content: out.contents[1]?.raw },
      { role: "system", content: out.contents[2]?.raw },
      { role: "user", content: "When is the launch?" },
    ]);
    assert.deepEqual(JSON.parse(out.contents[0]?.raw ?? ""), {
      content: "Alpha document: the launch is on Tuesday.",
      file_type: "text/plain",
      filename: "a.txt",
      title: "",
      type: "file",
    });
    // Deletion happened after the chat.
    const order = emu.requests.map(
      (r) => r.method + (r.path === "/v1/chat/completions" ? " chat" : ""),
    );
    assert.equal(order.lastIndexOf("POST chat") < order.indexOf("DELETE"), true);
    await assertNothingLeft();
  });

  it("streams the answer and deletes the files once the stream ended", async () => {
    emu.clearRequests();
    const stream = kimi.files.streamWithFiles({
      files: [a],
      messages: [{ role: "user", content: "Summarize." }],
    });
    let text = "";
    for await (const event of stream) if (event.type === "text-delta") text += event.text;
    const out = await stream.result;
    assert.equal(out.result.content, text);
    assert.ok(text.length > 0);
    const sent = chatRequests()[0]?.body as { messages: ChatMessage[]; stream: boolean };
    assert.equal(sent.stream, true);
    assert.equal(sent.messages[0]?.role, "system");
    assert.equal(sent.messages[0]?.content, out.contents[0]?.raw);
    await assertNothingLeft();
  });

  it("a chat request that fails after the upload still deletes the files", async () => {
    emu.clearRequests();
    emu.inject({
      kind: "error",
      status: 400,
      type: "invalid_request_error",
      message: "Invalid request: nope",
      path: "/v1/chat/completions",
    });
    await assert.rejects(
      kimi.files.chatWithFiles({ files: [a, b], messages: [{ role: "user", content: "Hi" }] }),
      (error: unknown) =>
        error instanceof InvalidRequestError &&
        error.code === "invalid_request" &&
        error.status === 400,
    );
    assert.equal(chatRequests()[0]?.status, 400);
    assert.equal(emu.requests.filter((r) => r.method === "DELETE" && r.status === 200).length, 2);
    await assertNothingLeft();
  });

  it("an abort mid-stream ends with AbortError and the files deleted", async () => {
    emu.clearRequests();
    const controller = new AbortController();
    const stream = kimi.files.streamWithFiles(
      { files: [a, b], messages: [{ role: "user", content: "Talk a lot." }] },
      {
        signal: controller.signal,
        headers: { "x-emulator-reply-tokens": "400", "x-emulator-chunk-delay-ms": "5" },
      },
    );
    let deltas = 0;
    await assert.rejects(
      (async () => {
        for await (const event of stream) {
          if (event.type === "text-delta" && ++deltas === 2) controller.abort();
        }
      })(),
      (error: unknown) => error instanceof AbortError && error.code === "aborted",
    );
    await assert.rejects(stream.result, AbortError);
    assert.ok(deltas >= 2);
    assert.equal(emu.requests.filter((r) => r.method === "DELETE").length, 2);
    await assertNothingLeft();
  });

  it("leaving the loop early stops the stream and deletes the files", async () => {
    const stream = kimi.files.streamWithFiles(
      { files: [a], messages: [{ role: "user", content: "Talk a lot." }] },
      { headers: { "x-emulator-reply-tokens": "400", "x-emulator-chunk-delay-ms": "5" } },
    );
    for await (const event of stream) if (event.type === "text-delta") break;
    await assertNothingLeft();
  });

  it("a text too long for the window: ContextOverflowError by how much, no chat sent, files deleted", async () => {
    emu.clearRequests();
    const long = await writeTemp(dir.path, "long.txt", "word ".repeat(12_000));
    await assert.rejects(
      kimi.files.chatWithFiles({
        model: "moonshot-v1-8k",
        maxTokens: 1000,
        files: [long],
        messages: [{ role: "user", content: "Summarize." }],
      }),
      (error: unknown) => {
        assert.ok(error instanceof ContextOverflowError);
        assert.equal(error.code, "context_overflow");
        assert.equal(error.limit, 8192);
        assert.ok((error.overflow ?? 0) > 0);
        assert.match(
          error.message,
          new RegExp(
            `with maxTokens 1000 that is ${error.overflow} tokens over the 8192-token context window of moonshot-v1-8k`,
          ),
        );
        assert.match(error.message, /long\.txt: ~\d+/);
        return true;
      },
    );
    assert.equal(chatRequests().length, 0);
    await assertNothingLeft();
  });

  it("a bad file fails before anything is uploaded; an extraction failure deletes what was uploaded", async () => {
    emu.clearRequests();
    await assert.rejects(
      kimi.files.chatWithFiles({
        files: [a, join(dir.path, "missing.pdf")],
        messages: [{ role: "user", content: "?" }],
      }),
      FileValidationError,
    );
    assert.deepEqual(emu.requests, []);

    await assert.rejects(
      kimi.files.chatWithFiles({
        files: [a, { file: Buffer.from([0xff, 0xfe, 0x00]), filename: "x.bin" }],
        messages: [{ role: "user", content: "?" }],
      }),
      (error: unknown) =>
        error instanceof ServerError &&
        error.code === "file_extraction_failed" &&
        /x\.bin|file /.test(error.message),
    );
    assert.equal(chatRequests().length, 0);
    await assertNothingLeft();
  });
});
