import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startEmulator } from "../../src/emulator/index.ts";
import { NotFoundError } from "../../src/errors/error-classes.ts";
import { clientFor, tempDir, writeTemp } from "./helpers.ts";

describe("files API against the emulator", async () => {
  const emu = await startEmulator({ seed: 1 });
  const dir = await tempDir();
  const kimi = clientFor(emu.baseURL, join(dir.path, "state"));
  let notesPath = "";

  before(async () => {
    notesPath = await writeTemp(dir.path, "notes.txt", "Kimi reads files.\nSecond line.");
  });
  after(async () => {
    await emu.close();
    await dir.cleanup();
  });

  it("uploads a path as multipart with purpose file-extract and records it in the registry", async () => {
    emu.clearRequests();
    const file = await kimi.files.upload(notesPath);
    assert.equal(file.filename, "notes.txt");
    assert.equal(file.bytes, 30);
    assert.equal(file.purpose, "file-extract");
    assert.equal(file.reference, undefined);
    assert.equal(file.label, notesPath);
    assert.match(file.id, /^[0-9a-v]{20}$/);
    const upload = emu.requests.find((r) => r.method === "POST" && r.path === "/v1/files");
    assert.deepEqual(upload?.body, { purpose: "file-extract", filename: "notes.txt", bytes: 30 });
    const entries = await kimi.files.registry.read();
    const entry = entries.find((e) => e.id === file.id);
    assert.equal(entry?.baseURL, emu.baseURL);
    assert.equal(entry?.filename, "notes.txt");
    assert.equal(entry?.bytes, 30);
    assert.equal(typeof entry?.uploadedAt, "string");
    await kimi.files.delete(file.id);
  });

  it("get, list, content (parsed, raw kept verbatim) and delete", async () => {
    const file = await kimi.files.upload(notesPath);
    const got = await kimi.files.get(file.id);
    assert.equal(got.id, file.id);
    assert.equal(got.filename, "notes.txt");
    const listed = await kimi.files.list();
    assert.ok(listed.some((f) => f.id === file.id));

    emu.clearRequests();
    const content = await kimi.files.content(file.id);
    assert.equal(content.content, "Kimi reads files.\nSecond line.");
    assert.equal(content.filename, "notes.txt");
    assert.equal(content.fileType, "text/plain");
    assert.equal(content.title, "");
    assert.equal(content.type, "file");
    assert.deepEqual(JSON.parse(content.raw), {
      content: "Kimi reads files.\nSecond line.",
      file_type: "text/plain",
      filename: "notes.txt",
      title: "",
      type: "file",
    });
    assert.equal(emu.requests[0]?.path, `/v1/files/${file.id}/content`);

    const deleted = await kimi.files.delete(file.id);
    assert.deepEqual(deleted, { id: file.id, object: "file", deleted: true });
    assert.equal(
      (await kimi.files.list()).some((f) => f.id === file.id),
      false,
    );
    assert.equal(
      (await kimi.files.registry.read()).some((e) => e.id === file.id),
      false,
    );
  });

  it("uploads a Buffer and a File with their names; image purpose returns the ms:// reference", async () => {
    const fromBuffer = await kimi.files.upload(Buffer.from("hello bytes"), { filename: "b.md" });
    assert.equal(fromBuffer.filename, "b.md");
    assert.equal(fromBuffer.bytes, 11);
    const png = await readFile(join(import.meta.dirname, "../fixtures/files/pixel.png"));
    const image = await kimi.files.upload(new File([png], "pixel.png", { type: "image/png" }), {
      purpose: "image",
    });
    assert.equal(image.purpose, "image");
    assert.equal(image.reference, `ms://${image.id}`);
    const unnamed = await kimi.files.upload(new Uint8Array([104, 105]));
    assert.equal(unnamed.filename, "upload");
    for (const f of [fromBuffer, image, unnamed]) await kimi.files.delete(f.id);
  });

  it("unknown ids throw NotFoundError naming the id and the fix, on get, content and delete", async () => {
    for (const call of [
      () => kimi.files.get("cnoki7pkqq4r540f4q6g"),
      () => kimi.files.content("cnoki7pkqq4r540f4q6g"),
      () => kimi.files.delete("cnoki7pkqq4r540f4q6g"),
    ]) {
      await assert.rejects(call, (error: unknown) => {
        assert.ok(error instanceof NotFoundError);
        assert.equal(error.code, "not_found");
        assert.equal(error.status, 404);
        assert.equal(error.type, "resource_not_found_error");
        assert.match(
          error.message,
          /File cnoki7pkqq4r540f4q6g does not exist on http:\/\/127\.0\.0\.1:\d+\/v1/,
        );
        assert.match(error.message, /kimi\.files\.list\(\)/);
        return true;
      });
    }
  });
});
