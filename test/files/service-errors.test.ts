import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { startEmulator } from "../../src/emulator/index.ts";
import { InvalidRequestError, ServerError } from "../../src/errors/error-classes.ts";
import { clientFor, tempDir } from "./helpers.ts";

describe("service file errors map to typed errors with the fix", async () => {
  const emu = await startEmulator({ limits: { maxFiles: 2, maxFileBytes: 64 } });
  const dir = await tempDir();
  const kimi = clientFor(emu.baseURL, join(dir.path, "state"));
  after(async () => {
    await emu.close();
    await dir.cleanup();
  });

  it("too many files: InvalidRequestError file_limit_exceeded pointing at cleanup; registry keeps only stored files", async () => {
    const a = await kimi.files.upload(Buffer.from("a"), { filename: "a.txt" });
    const b = await kimi.files.upload(Buffer.from("b"), { filename: "b.txt" });
    await assert.rejects(
      kimi.files.upload(Buffer.from("c"), { filename: "c.txt" }),
      (error: unknown) => {
        assert.ok(error instanceof InvalidRequestError);
        assert.equal(error.code, "file_limit_exceeded");
        assert.equal(error.status, 400);
        assert.equal(error.type, "invalid_request_error");
        assert.match(
          error.message,
          /^Upload of c\.txt refused\. The account has reached its maximum number of files/,
        );
        assert.match(error.message, /kimi\.files\.cleanup\(\)/);
        assert.match(error.message, /exceeded the max file count 2/);
        return true;
      },
    );
    const tracked = (await kimi.files.registry.read()).map((e) => e.id).sort();
    assert.deepEqual(tracked, [a.id, b.id].sort());
    await kimi.files.delete(a.id);
    await kimi.files.delete(b.id);
  });

  it("too large for the service: file_limit_exceeded with the size fix", async () => {
    await assert.rejects(
      kimi.files.upload(Buffer.alloc(65, 97), { filename: "big.txt" }),
      (error: unknown) => {
        assert.ok(error instanceof InvalidRequestError);
        assert.equal(error.code, "file_limit_exceeded");
        assert.match(
          error.message,
          /^Upload of big\.txt refused\. Files must be between 1 byte and 100 MB/,
        );
        assert.match(error.message, /File size is too large/);
        return true;
      },
    );
    assert.deepEqual(await kimi.files.registry.read(), []);
  });

  it("extraction failed: ServerError file_extraction_failed, not retried", async () => {
    const bad = await kimi.files.upload(Buffer.from([0xff, 0xfe, 0x00, 0xc3]), {
      filename: "blob.bin",
    });
    assert.equal(bad.status, "error");
    emu.clearRequests();
    await assert.rejects(kimi.files.content(bad.id), (error: unknown) => {
      assert.ok(error instanceof ServerError);
      assert.equal(error.code, "file_extraction_failed");
      assert.equal(error.retryable, false);
      assert.equal(error.status, 500);
      // Named by the name it was uploaded under; the refusal is the local emulator's, and the
      // advice is the one that applies to it.
      assert.equal(
        error.message,
        `The local service at 127.0.0.1:${emu.port} (an emulator or gateway, not Moonshot) could not extract text from blob.bin (${bad.id}): Failed to extract file: unsupported file type .bin: the emulator extracts text files and PDFs only. kimi-provider's emulator extracts only text files and PDFs; Moonshot itself also reads Office documents and more.`,
      );
      return true;
    });
    assert.equal(emu.requests.length, 1);
    await kimi.files.delete(bad.id);
  });

  it("an upload answered 503 is retried (the service stored nothing) and tracked once", async () => {
    emu.clearRequests();
    emu.inject({
      kind: "error",
      status: 503,
      type: "server_unavailable",
      message: "busy",
      path: "/v1/files",
      method: "POST",
    });
    const file = await kimi.files.upload(Buffer.from("retry me"), { filename: "r.txt" });
    assert.deepEqual(
      emu.requests.map((r) => [r.method, r.path, r.status]),
      [
        ["POST", "/v1/files", 503],
        ["POST", "/v1/files", 200],
      ],
    );
    assert.deepEqual(
      (await kimi.files.registry.read()).map((e) => e.id),
      [file.id],
    );
    await kimi.files.delete(file.id);
  });
});
