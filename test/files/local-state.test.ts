/**
 * The local state database (state.db under the state directory) with real processes: parallel
 * uploads, legacy lock files, a process killed mid-transaction, the one-time import of the JSON
 * files of earlier versions, cut uploads, and damaged state.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, truncate, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, describe, it } from "node:test";
import { startEmulator } from "../../src/emulator/index.ts";
import { NetworkError, StateError } from "../../src/errors/error-classes.ts";
import { matchPending } from "../../src/files/cleanup.ts";
import type { FileObject } from "../../src/files/file-object.ts";
import { FileRegistry, type RegistryEntry } from "../../src/files/file-registry.ts";
import { closeStateDatabases } from "../../src/state/state-database.ts";
import { ensureBuilt, runCli } from "../cli/run-cli.ts";
import { clientFor, tempDir } from "./helpers.ts";

const UPLOAD_CHILD = join(import.meta.dirname, "../fixtures/files/upload-built.mjs");
const STATE_CHILD = join(import.meta.dirname, "../fixtures/files/state-child.ts");

interface ChildRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

function runNode(script: string, args: string[]): Promise<ChildRun> {
  return new Promise((resolveRun) => {
    execFile(process.execPath, [script, ...args], (error, stdout, stderr) => {
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

function legacyEntry(key: string, id: string | null): Record<string, unknown> {
  return {
    key,
    baseURL: "http://127.0.0.1:9/v1",
    id,
    filename: `${key}.txt`,
    bytes: 3,
    purpose: "file-extract",
    startedAt: "2026-01-02T03:04:05.000Z",
    uploadedAt: id === null ? null : "2026-01-02T03:04:06.000Z",
    pid: 4_194_305,
    host: hostname(),
  };
}

const LEGACY_USAGE = {
  version: 1,
  since: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-02T00:00:00.000Z",
  requests: 3,
  promptTokens: 300,
  completionTokens: 30,
  cachedTokens: 100,
  cacheHitRate: 1 / 3,
  costUsd: 0.25,
  unpricedRequests: 0,
  byModel: {
    "kimi-k2.6": {
      requests: 2,
      promptTokens: 200,
      completionTokens: 20,
      cachedTokens: 100,
      cacheHitRate: 0.5,
      costUsd: 0.2,
      unpricedRequests: 0,
    },
    "kimi-k3": {
      requests: 1,
      promptTokens: 100,
      completionTokens: 10,
      cachedTokens: 0,
      cacheHitRate: 0,
      costUsd: 0.05,
      unpricedRequests: 0,
    },
  },
};

describe("local state database", async () => {
  const emu = await startEmulator();
  const dir = await tempDir("kimi-state-");
  after(async () => {
    await emu.close();
    await closeStateDatabases();
    await dir.cleanup();
  });

  it("40 parallel upload processes with stale and empty legacy locks lose no entry; `files cleanup` deletes all 40", async () => {
    ensureBuilt();
    const stateDir = join(dir.path, "parallel");
    await mkdir(stateDir, { recursive: true });
    // What the old lock code left behind: an empty lock (full disk) and one of a dead process.
    await writeFile(join(stateDir, "files.json.lock"), "");
    await writeFile(
      join(stateDir, "usage.json.lock"),
      JSON.stringify({ token: "t", pid: 4_194_305, host: hostname(), acquiredAt: Date.now() }),
    );
    const runs = await Promise.all(
      Array.from({ length: 40 }, () => runNode(UPLOAD_CHILD, [emu.baseURL, stateDir])),
    );
    const ids = runs.flatMap((run) => {
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, "", "no warning (the SQLite ExperimentalWarning included)");
      return JSON.parse(run.stdout) as string[];
    });
    assert.equal(new Set(ids).size, 40);
    const entries = await new FileRegistry(stateDir).read();
    assert.deepEqual(entries.map((e) => e.id).sort(), [...ids].sort());
    assert.equal(new Set(entries.map((e) => e.pid)).size, 40);

    emu.clearRequests();
    const cleanup = await runCli(["files", "cleanup", "--json"], {
      env: {
        KIMI_API_KEY: "sk-cleanup",
        KIMI_BASE_URL: emu.baseURL,
        KIMI_STATE_DIR: stateDir,
        HOME: stateDir,
      },
    });
    assert.equal(cleanup.code, 0, cleanup.stderr);
    assert.equal(cleanup.stderr, "");
    const report = JSON.parse(cleanup.stdout) as { deleted: string[]; skipped: unknown[] };
    assert.deepEqual([...report.deleted].sort(), [...ids].sort());
    assert.deepEqual(report.skipped, []);
    assert.equal(emu.requests.filter((r) => r.method === "DELETE").length, 40);
    assert.deepEqual(await clientFor(emu.baseURL, stateDir).files.list(), []);
    assert.deepEqual(await new FileRegistry(stateDir).read(), []);
  });

  it("a process SIGKILLed mid-transaction loses nothing committed and blocks nothing", async () => {
    const stateDir = join(dir.path, "killed");
    const child = await runNode(STATE_CHILD, [stateDir, "kill-mid-transaction"]);
    assert.equal(child.signal, "SIGKILL", child.stderr);
    assert.equal(child.stdout, "killing\n");
    const registry = new FileRegistry(stateDir);
    assert.deepEqual(
      (await registry.read()).map((e) => e.key),
      ["committed"],
    );
    // The dead process's write lock is gone: a write goes through at once.
    await registry.removeKeys(["committed"]);
    assert.deepEqual(await registry.read(), []);
  });

  it("imports files.json and usage.json once, across concurrent first runs, and keeps them renamed", async () => {
    const stateDir = join(dir.path, "import");
    await mkdir(stateDir, { recursive: true });
    const legacyEntries = [legacyEntry("a", "file-a"), legacyEntry("b", null)];
    await writeFile(
      join(stateDir, "files.json"),
      JSON.stringify({ version: 1, entries: legacyEntries }),
    );
    await writeFile(join(stateDir, "usage.json"), JSON.stringify(LEGACY_USAGE));
    const runs = await Promise.all(
      Array.from({ length: 8 }, () => runNode(STATE_CHILD, [stateDir, "read"])),
    );
    for (const run of runs) {
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, "");
      const { entries, usage } = JSON.parse(run.stdout) as {
        entries: RegistryEntry[];
        usage: typeof LEGACY_USAGE;
      };
      assert.deepEqual(
        entries.map((e) => [e.key, e.id, e.filename, e.pid, e.ownerStart, e.endedAt]),
        [
          ["a", "file-a", "a.txt", 4_194_305, null, null],
          ["b", null, "b.txt", 4_194_305, null, null],
        ],
      );
      assert.equal(usage.requests, 3);
      assert.equal(usage.promptTokens, 300);
      assert.equal(usage.costUsd, 0.25);
      assert.equal(usage.since, LEGACY_USAGE.since);
      assert.equal(usage.byModel["kimi-k2.6"]?.requests, 2);
      assert.equal(usage.byModel["kimi-k3"]?.requests, 1);
    }
    assert.deepEqual((await readdir(stateDir)).filter((n) => n.endsWith(".json")).sort(), []);
    assert.deepEqual(
      JSON.parse(await readFile(join(stateDir, "files.json.imported"), "utf8")).entries,
      legacyEntries,
    );
    assert.deepEqual(
      JSON.parse(await readFile(join(stateDir, "usage.json.imported"), "utf8")),
      LEGACY_USAGE,
    );
    const db = new DatabaseSync(join(stateDir, "state.db"));
    try {
      assert.deepEqual({ ...db.prepare("SELECT count(*) AS n FROM usage_calls").get() }, { n: 2 });
      assert.deepEqual({ ...db.prepare("PRAGMA user_version").get() }, { user_version: 2 });
      assert.deepEqual({ ...db.prepare("PRAGMA journal_mode").get() }, { journal_mode: "wal" });
    } finally {
      db.close();
    }
  });

  it("a damaged legacy file stops the import with state_corrupt naming it; nothing is imported or renamed", async () => {
    const stateDir = join(dir.path, "bad-import");
    await mkdir(stateDir, { recursive: true });
    await writeFile(join(stateDir, "files.json"), '{"version":1,"entries":[{"key":"a"');
    await writeFile(join(stateDir, "usage.json"), JSON.stringify(LEGACY_USAGE));
    const registry = new FileRegistry(stateDir);
    const error = await registry.read().then(
      () => assert.fail("read() should fail"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof StateError);
    assert.equal(error.code, "state_corrupt");
    assert.equal(error.retryable, false);
    assert.equal(error.path, join(stateDir, "files.json"));
    assert.match(error.message, /files\.json, kept by an earlier version/);
    assert.match(error.message, /not valid JSON/);
    assert.match(error.message, /Repair it, or move it out of the state directory/);
    assert.ok(existsSync(join(stateDir, "files.json")));
    assert.ok(existsSync(join(stateDir, "usage.json")));
    // Fixed: the next use imports both.
    await writeFile(
      join(stateDir, "files.json"),
      JSON.stringify({ version: 1, entries: [legacyEntry("a", "file-a")] }),
    );
    assert.deepEqual(
      (await registry.read()).map((e) => e.id),
      ["file-a"],
    );
    assert.ok(existsSync(join(stateDir, "usage.json.imported")));
  });

  it("an upload whose 200 answer is cut stays pending; cleanup() finds the stored file and deletes it", async () => {
    const stateDir = join(dir.path, "cut-upload");
    const kimi = clientFor(emu.baseURL, stateDir);
    emu.inject({ kind: "cut", path: "/v1/files", method: "POST" });
    await assert.rejects(
      kimi.files.upload(Buffer.from("cut answer"), { filename: "cut.txt" }),
      NetworkError,
    );
    const stored = await kimi.files.list();
    assert.deepEqual(
      stored.map((f) => [f.filename, f.bytes]),
      [["cut.txt", 10]],
    );
    const entries = await kimi.files.registry.read();
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.id, null);
    assert.equal(entries[0]?.filename, "cut.txt");
    assert.ok(entries[0]?.endedAt, "the end of the attempt is recorded");

    const report = await kimi.files.cleanup();
    assert.deepEqual(report.deleted, [stored[0]?.id]);
    assert.deepEqual(report.skippedFiles, []);
    assert.deepEqual(await kimi.files.list(), []);
    assert.deepEqual(await kimi.files.registry.read(), []);
  });

  it("chatWithFiles with a cut upload: the file it leaked is found and deleted by cleanup()", async () => {
    const stateDir = join(dir.path, "cut-chat");
    const kimi = clientFor(emu.baseURL, stateDir);
    emu.inject({ kind: "cut", path: "/v1/files", method: "POST" });
    await assert.rejects(
      kimi.files.chatWithFiles({
        model: "kimi-k2.6",
        thinking: false,
        files: [{ file: Buffer.from("report body"), filename: "report.txt" }],
        messages: [{ role: "user", content: "Summarize." }],
      }),
      NetworkError,
    );
    const stored = await kimi.files.list();
    assert.deepEqual(
      stored.map((f) => f.filename),
      ["report.txt"],
    );
    const report = await kimi.files.cleanup();
    assert.deepEqual(report.deleted, [stored[0]?.id]);
    assert.deepEqual(await kimi.files.list(), []);
    assert.deepEqual(await kimi.files.registry.read(), []);
  });

  it("matching of pending entries: same name, size and purpose, created within the upload's time window", () => {
    const entry: RegistryEntry = {
      key: "k",
      baseURL: "x",
      id: null,
      filename: "a.txt",
      bytes: 5,
      purpose: "file-extract",
      startedAt: "2026-03-01T12:00:00.000Z",
      endedAt: "2026-03-01T12:00:10.000Z",
      uploadedAt: null,
      pid: 1,
      host: "h",
      ownerStart: null,
    };
    const start = Date.parse(entry.startedAt) / 1000;
    const file = (id: string, createdAt: number, extra: Partial<FileObject> = {}): FileObject => ({
      id,
      object: "file",
      bytes: 5,
      created_at: createdAt,
      filename: "a.txt",
      purpose: "file-extract",
      status: "ok",
      ...extra,
    });
    const account = [
      file("too-early", start - 301),
      file("other-size", start + 1, { bytes: 6 }),
      file("other-name", start + 1, { filename: "b.txt" }),
      file("too-late", start + 10 + 301),
      file("known", start + 2),
      file("match", start + 3),
    ];
    assert.deepEqual([...matchPending([entry], account, new Set(["known"]))], [["k", "match"]]);
    assert.deepEqual([...matchPending([entry], account.slice(0, 4), new Set())], []);
  });

  it("damaged or unusable state is a StateError naming the file and the fix; cleanup deletes nothing", async () => {
    // Garbage where the database should be.
    const garbage = join(dir.path, "garbage");
    await mkdir(garbage);
    await writeFile(join(garbage, "state.db"), "this is not a database, just text ".repeat(200));
    const kimi = clientFor(emu.baseURL, garbage);
    const other = clientFor(emu.baseURL, join(dir.path, "other"));
    const doomed = await other.files.upload(Buffer.from("keep"), { filename: "keep.txt" });
    emu.clearRequests();
    const corrupt = await kimi.files.cleanup().then(
      () => assert.fail("cleanup() should fail"),
      (e: unknown) => e,
    );
    assert.ok(corrupt instanceof StateError);
    assert.equal(corrupt.code, "state_corrupt");
    assert.equal(corrupt.path, join(garbage, "state.db"));
    assert.match(corrupt.message, /^The local state database .*garbage\/state\.db is damaged/);
    assert.match(corrupt.message, /Move it aside \(e\.g\. rename it to .*state\.db\.damaged\)/);
    assert.deepEqual(emu.requests, [], "nothing listed or deleted");
    assert.deepEqual(
      (await kimi.files.list()).map((f) => f.id),
      [doomed.id],
    );

    // A database cut short (a torn copy): found by the integrity check on open.
    const torn = join(dir.path, "torn");
    const tornRegistry = new FileRegistry(torn);
    await tornRegistry.update(() =>
      Array.from({ length: 300 }, (_, i) => ({
        key: `k${i}`,
        baseURL: "http://x/v1",
        id: `id${i}`,
        filename: `${"long name ".repeat(10)}${i}`,
        bytes: 1,
        purpose: "file-extract",
        startedAt: new Date().toISOString(),
        endedAt: null,
        uploadedAt: null,
        pid: 1,
        host: "h",
        ownerStart: null,
      })),
    );
    await closeStateDatabases(); // checkpoints the WAL into state.db
    const size = (await readFile(join(torn, "state.db"))).length;
    assert.ok(size > 16_384, `database of ${size} bytes`);
    await truncate(join(torn, "state.db"), Math.floor(size / 2));
    const tornError = await tornRegistry.read().then(
      () => assert.fail("read() should fail"),
      (e: unknown) => e,
    );
    assert.ok(tornError instanceof StateError);
    assert.equal(tornError.code, "state_corrupt");
    assert.equal(tornError.path, join(torn, "state.db"));

    // The state directory is a file.
    const isFile = join(dir.path, "a-file");
    await writeFile(isFile, "x");
    const notDir = await new FileRegistry(isFile).read().then(
      () => assert.fail("read() should fail"),
      (e: unknown) => e,
    );
    assert.ok(notDir instanceof StateError);
    assert.equal(notDir.code, "state_unwritable");
    assert.equal(notDir.path, isFile);
    assert.match(
      notDir.message,
      /Cannot create the state directory .*a-file \(a file, not a directory, is in the way\)\. Make .* a writable directory/,
    );

    // A directory where the database file should be.
    const dirInTheWay = join(dir.path, "dir-in-the-way");
    await mkdir(join(dirInTheWay, "state.db"), { recursive: true });
    const notFile = await new FileRegistry(dirInTheWay).read().then(
      () => assert.fail("read() should fail"),
      (e: unknown) => e,
    );
    assert.ok(notFile instanceof StateError);
    assert.equal(notFile.code, "state_unwritable");
    assert.equal(notFile.path, join(dirInTheWay, "state.db"));
    assert.match(notFile.message, /is not a file/);
    await other.files.delete(doomed.id);
  });

  it("cleanup that deleted files but could not record it says exactly that", async () => {
    const stateDir = join(dir.path, "unrecorded");
    const kimi = clientFor(emu.baseURL, stateDir);
    const file = await kimi.files.upload(Buffer.from("gone"), { filename: "gone.txt" });
    // Another process holds the write lock past the wait allowed, while the deletion is sent.
    const previous = process.env.KIMI_STATE_LOCK_TIMEOUT_MS;
    process.env.KIMI_STATE_LOCK_TIMEOUT_MS = "300";
    const holder = new DatabaseSync(join(stateDir, "state.db"));
    emu.inject({ kind: "delay", ms: 200, method: "DELETE" });
    const cleanup = kimi.files.cleanup();
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    holder.exec("BEGIN IMMEDIATE");
    try {
      const error = await cleanup.then(
        () => assert.fail("cleanup() should fail"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof StateError);
      assert.equal(error.code, "state_busy");
      assert.equal(error.retryable, true);
      assert.match(
        error.message,
        new RegExp(
          `^Cleanup deleted 1 file\\(s\\) from the account \\(${file.id}\\), but could not record it in the local registry .*state\\.db: .*stayed locked by another process for 300 ms.* the registry still lists them; the next cleanup reports them as already gone\\.$`,
        ),
      );
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
      if (previous === undefined) delete process.env.KIMI_STATE_LOCK_TIMEOUT_MS;
      else process.env.KIMI_STATE_LOCK_TIMEOUT_MS = previous;
    }
    assert.deepEqual(await kimi.files.list(), []);
    // As promised: the next cleanup reports it as already gone and forgets it.
    const again = await kimi.files.cleanup();
    assert.deepEqual(again.alreadyGone, [file.id]);
    assert.deepEqual(await kimi.files.registry.read(), []);
  });
});
