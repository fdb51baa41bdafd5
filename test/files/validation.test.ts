import assert from "node:assert/strict";
import { mkdir, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { startEmulator } from "../../src/emulator/index.ts";
import { FileValidationError } from "../../src/errors/error-classes.ts";
import { clientFor, tempDir, writeTemp } from "./helpers.ts";

describe("client-side checks before any byte is sent", async () => {
  const emu = await startEmulator();
  const dir = await tempDir();
  const kimi = clientFor(emu.baseURL, join(dir.path, "state"));
  after(async () => {
    await emu.close();
    await dir.cleanup();
  });

  async function refused(
    call: () => Promise<unknown>,
    file: string,
    pattern: RegExp,
  ): Promise<void> {
    emu.clearRequests();
    await assert.rejects(call, (error: unknown) => {
      assert.ok(error instanceof FileValidationError, String(error));
      assert.equal(error.code, "invalid_file");
      assert.equal(error.file, file);
      assert.match(error.message, pattern);
      return true;
    });
    assert.equal(emu.requests.length, 0, "nothing may reach the service");
    assert.deepEqual(await kimi.files.registry.read(), [], "nothing may be recorded");
  }

  it("a missing file names the path, the resolved path and the fix", async () => {
    const missing = join(dir.path, "nope.pdf");
    await refused(
      () => kimi.files.upload(missing),
      missing,
      /no such file \(resolved to .*nope\.pdf\)\. Check the path/,
    );
  });

  it("a directory is refused", async () => {
    const sub = join(dir.path, "a-dir");
    await mkdir(sub);
    await refused(() => kimi.files.upload(sub), sub, /it is a directory\. Pass the path of a file/);
  });

  it("an empty file, an empty Buffer and an empty Blob are refused", async () => {
    const empty = await writeTemp(dir.path, "empty.txt", "");
    await refused(() => kimi.files.upload(empty), empty, /the file is empty \(0 bytes\)/);
    await refused(
      () => kimi.files.upload(Buffer.alloc(0), { filename: "e.txt" }),
      "e.txt",
      /empty \(0 bytes\)/,
    );
    await refused(() => kimi.files.upload(new Blob([])), "upload", /empty \(0 bytes\)/);
  });

  it("a file over 100 MB is refused with its size (sparse file, nothing read)", async () => {
    const big = join(dir.path, "big.pdf");
    await writeFile(big, "");
    await truncate(big, 100 * 1024 * 1024 + 1);
    await refused(
      () => kimi.files.upload(big),
      big,
      /100\.0 MB \(104857601 bytes\), over Moonshot's 100 MB per-file limit\. Split or compress/,
    );
  });

  it("an unknown purpose lists the accepted ones", async () => {
    const ok = await writeTemp(dir.path, "ok.txt", "x");
    await refused(
      // @ts-expect-error: a purpose the service does not know
      () => kimi.files.upload(ok, { purpose: "assistants" }),
      ok,
      /purpose "assistants" is not one Moonshot accepts\. Use one of "file-extract", "image", "video", "batch"/,
    );
  });
});
