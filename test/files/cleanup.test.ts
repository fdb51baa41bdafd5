import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { startEmulator } from "../../src/emulator/index.ts";
import { AbortError, ServerError } from "../../src/errors/error-classes.ts";
import { FileRegistry } from "../../src/files/file-registry.ts";
import { resolveStateDir } from "../../src/files/state-dir.ts";
import { clientFor, tempDir } from "./helpers.ts";

describe("registry and cleanup", async () => {
  const emuA = await startEmulator();
  const emuB = await startEmulator();
  const dir = await tempDir();
  after(async () => {
    await emuA.close();
    await emuB.close();
    await dir.cleanup();
  });

  it("state directory: option, then KIMI_STATE_DIR, then ~/.kimi-provider", () => {
    assert.equal(resolveStateDir("/tmp/x", { KIMI_STATE_DIR: "/tmp/y" }), "/tmp/x");
    assert.equal(resolveStateDir(undefined, { KIMI_STATE_DIR: "/tmp/y" }), "/tmp/y");
    assert.match(resolveStateDir(undefined, {}), /\/\.kimi-provider$/);
    const kimi = clientFor(emuA.baseURL, "", {
      stateDir: undefined,
      env: { KIMI_STATE_DIR: join(dir.path, "env-dir") },
    });
    assert.equal(kimi.files.registry.path, join(dir.path, "env-dir", "state.db"));
  });

  it("cleanup() deletes only tracked files of its own host, leaves others' files and entries", async () => {
    const stateDir = join(dir.path, "hosts");
    const onA = clientFor(emuA.baseURL, stateDir);
    const onB = clientFor(emuB.baseURL, stateDir);
    const a1 = await onA.files.upload(Buffer.from("a1"), { filename: "a1.txt" });
    const a2 = await onA.files.upload(Buffer.from("a2"), { filename: "a2.txt" });
    const b1 = await onB.files.upload(Buffer.from("b1"), { filename: "b1.txt" });
    // Uploaded without the library: not tracked, must survive a tracked cleanup.
    const form = new FormData();
    form.append("purpose", "file-extract");
    form.append("file", new Blob(["manual"]), "manual.txt");
    const manual = (await (
      await fetch(`${emuA.baseURL}/files`, {
        method: "POST",
        body: form,
        headers: { authorization: "Bearer sk-other-tool" },
      })
    ).json()) as { id: string };

    const report = await onA.files.cleanup();
    assert.equal(report.mode, "tracked");
    assert.deepEqual([...report.deleted].sort(), [a1.id, a2.id].sort());
    assert.deepEqual(report.remaining, []);
    assert.deepEqual(
      (await onA.files.list()).map((f) => f.id),
      [manual.id],
    );
    assert.deepEqual(
      (await onB.files.list()).map((f) => f.id),
      [b1.id],
    );
    assert.deepEqual(
      (await onA.files.registry.read()).map((e) => [e.baseURL, e.id]),
      [[emuB.baseURL, b1.id]],
    );
    await onB.files.cleanup();
    await onA.files.delete(manual.id);
  });

  it("olderThanMs keeps recent uploads", async () => {
    const stateDir = join(dir.path, "age");
    const kimi = clientFor(emuA.baseURL, stateDir);
    const recent = await kimi.files.upload(Buffer.from("recent"), { filename: "recent.txt" });
    const old = await kimi.files.upload(Buffer.from("old"), { filename: "old.txt" });
    await kimi.files.registry.update((entries) =>
      entries.map((e) =>
        e.id === old.id ? { ...e, startedAt: new Date(Date.now() - 3_600_000).toISOString() } : e,
      ),
    );
    const report = await kimi.files.cleanup({ olderThanMs: 60_000 });
    assert.deepEqual(report.deleted, [old.id]);
    assert.equal(report.skipped, 1);
    assert.deepEqual(
      (await kimi.files.list()).map((f) => f.id),
      [recent.id],
    );
    await kimi.files.cleanup();
    assert.deepEqual(await kimi.files.list(), []);
  });

  it("a failed deletion is reported, stays tracked, and shows in the final list", async () => {
    const stateDir = join(dir.path, "fail");
    const kimi = clientFor(emuA.baseURL, stateDir, { maxRetries: 0 });
    const file = await kimi.files.upload(Buffer.from("stuck"), { filename: "stuck.txt" });
    emuA.inject({
      kind: "error",
      status: 500,
      type: "server_error",
      message: "boom",
      method: "DELETE",
    });
    const report = await kimi.files.cleanup();
    assert.deepEqual(report.deleted, []);
    assert.deepEqual(
      report.failed.map((f) => f.id),
      [file.id],
    );
    assert.ok(report.failed[0]?.error instanceof ServerError);
    assert.deepEqual(
      report.remaining.map((f) => f.id),
      [file.id],
    );
    assert.deepEqual(
      (await kimi.files.registry.read()).map((e) => e.id),
      [file.id],
    );
    const again = await kimi.files.cleanup();
    assert.deepEqual(again.deleted, [file.id]);
    assert.deepEqual(again.remaining, []);
  });

  it("an upload this process aborted is not 'in flight': cleanup() reconciles it at once", async () => {
    const emu = await startEmulator();
    try {
      const stateDir = join(dir.path, "aborted");
      const kimi = clientFor(emu.baseURL, stateDir);
      emu.inject({ kind: "delay", ms: 2_000, path: "/v1/files", method: "POST" });
      const controller = new AbortController();
      const upload = kimi.files.upload(Buffer.from("cut"), {
        filename: "cut.txt",
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(), 50);
      await assert.rejects(upload, AbortError);
      // The service may have stored it before the connection was cut: here it did.
      const form = new FormData();
      form.append("purpose", "file-extract");
      form.append("file", new Blob(["cut"]), "cut.txt");
      const stored = (await (
        await fetch(`${emu.baseURL}/files`, {
          method: "POST",
          body: form,
          headers: { authorization: "Bearer sk-other-tool" },
        })
      ).json()) as { id: string };
      const report = await kimi.files.cleanup();
      assert.equal(report.skipped, 0);
      assert.deepEqual(report.deleted, [stored.id]);
      assert.deepEqual(await kimi.files.registry.read(), []);
    } finally {
      await emu.close();
    }
  });

  it("a tracked file already deleted elsewhere is reported as gone and dropped", async () => {
    const stateDir = join(dir.path, "gone");
    const kimi = clientFor(emuA.baseURL, stateDir);
    const file = await kimi.files.upload(Buffer.from("gone"), { filename: "gone.txt" });
    await fetch(`${emuA.baseURL}/files/${file.id}`, {
      method: "DELETE",
      headers: { authorization: "Bearer sk-other-tool" },
    });
    const report = await kimi.files.cleanup();
    assert.deepEqual(report.alreadyGone, [file.id]);
    assert.deepEqual(report.deleted, []);
    assert.deepEqual(await kimi.files.registry.read(), []);
  });

  it("cleanup({ all: true }) lists and deletes every file of the account, then verifies", async () => {
    const stateDir = join(dir.path, "all");
    const kimi = clientFor(emuB.baseURL, stateDir);
    const tracked = await kimi.files.upload(Buffer.from("t"), { filename: "t.txt" });
    const form = new FormData();
    form.append("purpose", "file-extract");
    form.append("file", new Blob(["untracked"]), "u.txt");
    const untracked = (await (
      await fetch(`${emuB.baseURL}/files`, {
        method: "POST",
        body: form,
        headers: { authorization: "Bearer sk-other-tool" },
      })
    ).json()) as { id: string };
    emuB.clearRequests();
    const report = await kimi.files.cleanup({ all: true });
    assert.equal(report.mode, "all");
    assert.deepEqual([...report.deleted].sort(), [tracked.id, untracked.id].sort());
    assert.deepEqual(report.remaining, []);
    assert.deepEqual(
      emuB.requests.map((r) => r.method),
      ["GET", "DELETE", "DELETE", "GET"],
    );
    assert.deepEqual(await kimi.files.registry.read(), []);
  });

  it("many concurrent registry writers lose no entry (one transaction each)", async () => {
    const stateDir = join(dir.path, "contention");
    const writers = [new FileRegistry(stateDir), new FileRegistry(stateDir)];
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        writers[i % 2]?.add({
          key: `k${i}`,
          baseURL: "http://x/v1",
          id: `id${i}`,
          filename: "f",
          bytes: 1,
          purpose: "file-extract",
          startedAt: new Date().toISOString(),
          endedAt: null,
          uploadedAt: null,
          pid: process.pid,
          host: hostname(),
          ownerStart: null,
        }),
      ),
    );
    const keys = (await writers[0]?.read())?.map((e) => e.key).sort();
    assert.deepEqual(keys, Array.from({ length: 40 }, (_, i) => `k${i}`).sort());
    const names = (await readdir(stateDir)).sort();
    assert.deepEqual(names, ["state.db", "state.db-shm", "state.db-wal"], "nothing else written");
  });
});
