import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { startEmulator } from "../../src/emulator/index.ts";
import { clientFor, tempDir } from "./helpers.ts";

const CHILD = join(import.meta.dirname, "../fixtures/files/upload-child.ts");

function runChild(
  args: string[],
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    execFile(process.execPath, [CHILD, ...args], (error, stdout, stderr) => {
      const failed = error as (Error & { code?: number | string; signal?: string }) | null;
      resolveRun({
        code: failed ? (typeof failed.code === "number" ? failed.code : null) : 0,
        signal: failed?.signal ?? null,
        stdout,
        stderr,
      });
    });
  });
}

describe("crashes and concurrent processes", async () => {
  const emu = await startEmulator();
  const dir = await tempDir();
  after(async () => {
    await emu.close();
    await dir.cleanup();
  });

  for (const mode of ["exit-after-upload", "kill-after-upload"]) {
    it(`${mode}: the registry still lists the file and cleanup() removes it`, async () => {
      const stateDir = join(dir.path, mode);
      const child = await runChild([emu.baseURL, stateDir, mode]);
      assert.equal(child.signal, mode === "kill-after-upload" ? "SIGKILL" : null, child.stderr);
      const id = child.stdout;
      assert.match(id, /^[0-9a-v]{20}$/);
      const kimi = clientFor(emu.baseURL, stateDir);
      const entries = await kimi.files.registry.read();
      assert.deepEqual(
        entries.map((e) => [e.id, e.baseURL, e.filename]),
        [[id, emu.baseURL, "crash.txt"]],
      );
      assert.ok((await kimi.files.list()).some((f) => f.id === id));

      const report = await kimi.files.cleanup();
      assert.deepEqual(report.deleted, [id]);
      assert.deepEqual(report.failed, []);
      assert.deepEqual(report.remaining, []);
      assert.equal(
        (await kimi.files.list()).some((f) => f.id === id),
        false,
      );
      assert.deepEqual(await kimi.files.registry.read(), []);
    });
  }

  it("killed after the service stored the file but before the id was read: the pending entry is reconciled", async () => {
    const stateDir = join(dir.path, "before-id");
    const kimi = clientFor(emu.baseURL, stateDir);
    // A file of the same name uploaded by someone else earlier and of another size is not touched.
    const other = await kimi.files.upload(Buffer.from("another size"), { filename: "crash.txt" });
    await kimi.files.registry.removeIds(emu.baseURL, [other.id]);
    const child = await runChild([emu.baseURL, stateDir, "kill-before-id"]);
    assert.equal(child.signal, "SIGKILL", child.stderr);
    const entries = await kimi.files.registry.read();
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.id, null);
    assert.equal(entries[0]?.filename, "crash.txt");
    const stored = (await kimi.files.list()).filter((f) => f.id !== other.id);
    assert.equal(stored.length, 1);

    const report = await kimi.files.cleanup();
    assert.deepEqual(report.deleted, [stored[0]?.id]);
    assert.deepEqual(report.remaining, []);
    assert.deepEqual(await kimi.files.registry.read(), []);
    assert.deepEqual(
      (await kimi.files.list()).map((f) => f.id),
      [other.id],
    );
    await kimi.files.delete(other.id);
  });

  it("two processes uploading at once keep the registry intact with both processes' entries", async () => {
    const stateDir = join(dir.path, "concurrent");
    const [a, b] = await Promise.all([
      runChild([emu.baseURL, stateDir, "upload-many", "6"]),
      runChild([emu.baseURL, stateDir, "upload-many", "6"]),
    ]);
    assert.equal(a?.code, 0, a?.stderr);
    assert.equal(b?.code, 0, b?.stderr);
    const ids = [...JSON.parse(a?.stdout ?? "[]"), ...JSON.parse(b?.stdout ?? "[]")] as string[];
    assert.equal(new Set(ids).size, 12);
    const kimi = clientFor(emu.baseURL, stateDir);
    const entries = await kimi.files.registry.read();
    assert.deepEqual(entries.map((e) => e.id).sort(), [...ids].sort());
    assert.equal(new Set(entries.map((e) => e.pid)).size, 2);
    const report = await kimi.files.cleanup();
    assert.equal(report.deleted.length, 12);
    assert.deepEqual(report.remaining, []);
  });
});
