/**
 * `kimi-provider files ...` end to end against the emulator.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { runCli, TempDirs } from "./run-cli.ts";

const KEY = "sk-files-test-key-0123456789";

interface WireFile {
  id: string;
  object: string;
  bytes: number;
  filename: string;
  purpose: string;
  status: string;
  created_at: number;
}

describe("kimi-provider files", () => {
  let emu: RunningEmulator;
  const temp = new TempDirs();
  let state: string;
  let dir: string;
  const env = () => ({
    KIMI_API_KEY: KEY,
    KIMI_BASE_URL: emu.baseURL,
    KIMI_STATE_DIR: state,
    HOME: state,
  });
  const accountFiles = async (): Promise<WireFile[]> =>
    (
      (await (
        await fetch(`${emu.baseURL}/files`, { headers: { authorization: `Bearer ${KEY}` } })
      ).json()) as {
        data: WireFile[];
      }
    ).data;

  before(async () => {
    emu = await startEmulator({ apiKey: KEY });
    state = temp.make();
    dir = temp.make();
    writeFileSync(join(dir, "a.txt"), "Alpha document.");
    writeFileSync(join(dir, "b.md"), "# Beta\nSecond document.");
  });
  after(async () => {
    await emu.close();
    temp.cleanup();
  });

  it("upload prints the file object (--json), an array for several paths, a line each otherwise", async () => {
    const one = await runCli(["files", "upload", "--json", join(dir, "a.txt")], { env: env() });
    assert.equal(one.code, 0, one.stderr);
    const file = JSON.parse(one.stdout) as WireFile;
    assert.equal(file.object, "file");
    assert.equal(file.filename, "a.txt");
    assert.equal(file.bytes, 15);
    assert.equal(file.purpose, "file-extract");
    assert.match(file.id, /^[0-9a-v]{20}$/);
    const two = await runCli(["files", "upload", "--json", join(dir, "a.txt"), join(dir, "b.md")], {
      env: env(),
    });
    const files = JSON.parse(two.stdout) as WireFile[];
    assert.deepEqual(
      files.map((entry) => entry.filename),
      ["a.txt", "b.md"],
    );
    const human = await runCli(["files", "upload", join(dir, "b.md")], { env: env() });
    assert.match(
      human.stdout,
      /^uploaded .*b\.md -> [0-9a-v]{20} \(23 bytes, file-extract, \w+\)\n$/,
    );
    assert.equal((await accountFiles()).length, 4);
  });

  it("upload --json of several paths still prints the files that uploaded when a later one fails", async () => {
    const small = await startEmulator({ apiKey: KEY, limits: { maxFiles: 1 } });
    try {
      const run = await runCli(
        ["files", "upload", "--json", join(dir, "a.txt"), join(dir, "b.md")],
        { env: { ...env(), KIMI_BASE_URL: small.baseURL } },
      );
      assert.equal(run.code, 1);
      const printed = JSON.parse(run.stdout) as WireFile[];
      assert.deepEqual(
        printed.map((f) => f.filename),
        ["a.txt"],
      );
      assert.match(run.stderr, /max file count/);
    } finally {
      await small.close();
    }
  });

  it("list, get and content show what the service has", async () => {
    const listed = await runCli(["files", "list", "--json"], { env: env() });
    assert.equal(listed.code, 0, listed.stderr);
    const files = JSON.parse(listed.stdout) as WireFile[];
    assert.deepEqual(
      files.map((file) => file.id).sort(),
      (await accountFiles()).map((file) => file.id).sort(),
    );
    const table = await runCli(["files", "list"], { env: env() });
    assert.match(table.stdout, /^id\s+filename\s+bytes\s+purpose\s+status\s+created$/m);
    const first = files.find((file) => file.filename === "b.md");
    assert.ok(first);
    const got = await runCli(["files", "get", first.id, "--json"], { env: env() });
    assert.deepEqual(
      JSON.parse(got.stdout),
      files.find((file) => file.id === first.id),
    );
    const content = await runCli(["files", "content", first.id], { env: env() });
    assert.equal(content.code, 0, content.stderr);
    assert.match(content.stdout, /Second document\./);
    const contentJson = await runCli(["files", "content", first.id, "--json"], { env: env() });
    const parsed = JSON.parse(contentJson.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(parsed), ["content", "file_type", "filename", "title", "type"]);
    assert.equal(parsed.filename, "b.md");
  });

  it("an unknown id exits 1 with a not-found error; a missing path exits 2 and uploads nothing", async () => {
    const missing = await runCli(["files", "get", "cnoki7pkqq4r540f4q6g"], { env: env() });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /NotFoundError \(not_found, HTTP 404\)/);
    emu.clearRequests();
    const badPath = await runCli(["files", "upload", join(dir, "a.txt"), join(dir, "nope.txt")], {
      env: env(),
    });
    assert.equal(badPath.code, 2);
    assert.match(badPath.stderr, /nope\.txt/);
    assert.equal(emu.requests.length, 0);
    const badPurpose = await runCli(["files", "upload", "--purpose", "fun", join(dir, "a.txt")], {
      env: env(),
    });
    assert.equal(badPurpose.code, 2);
    assert.match(badPurpose.stderr, /usage error \(--purpose\)/);
    const noSub = await runCli(["files"], { env: env() });
    assert.equal(noSub.code, 2);
  });

  it("delete removes the given ids (--json: the service's deletion objects)", async () => {
    const files = await accountFiles();
    const [a, b] = files;
    assert.ok(a && b);
    const run = await runCli(["files", "delete", "--json", a.id, b.id], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), [
      { id: a.id, object: "file", deleted: true },
      { id: b.id, object: "file", deleted: true },
    ]);
    assert.equal((await accountFiles()).length, files.length - 2);
    const again = await runCli(["files", "delete", a.id], { env: env() });
    assert.equal(again.code, 1);
  });

  it("cleanup deletes the files kimi-provider uploaded; --all every file; --older-than filters by age", async () => {
    // A file uploaded by someone else (not in this machine's registry).
    const form = new FormData();
    form.append("purpose", "file-extract");
    form.append("file", new Blob(["foreign"]), "foreign.txt");
    const foreign = (await (
      await fetch(`${emu.baseURL}/files`, {
        method: "POST",
        headers: { authorization: `Bearer ${KEY}` },
        body: form,
      })
    ).json()) as WireFile;
    await runCli(["files", "upload", join(dir, "a.txt")], { env: env() });

    const young = await runCli(["files", "cleanup", "--older-than", "1h", "--json"], {
      env: env(),
    });
    assert.equal(young.code, 0, young.stderr);
    assert.deepEqual((JSON.parse(young.stdout) as { deleted: string[] }).deleted, []);

    const tracked = await runCli(["files", "cleanup", "--json"], { env: env() });
    assert.equal(tracked.code, 0, tracked.stderr);
    const report = JSON.parse(tracked.stdout) as { mode: string; deleted: string[] };
    assert.equal(report.mode, "tracked");
    assert.ok(report.deleted.length >= 1);
    assert.deepEqual(
      (await accountFiles()).map((file) => file.id),
      [foreign.id],
    );

    const oldOnly = await runCli(["files", "cleanup", "--all", "--older-than", "1d"], {
      env: env(),
    });
    assert.equal(oldOnly.code, 0, oldOnly.stderr);
    assert.equal((await accountFiles()).length, 1);
    const all = await runCli(["files", "cleanup", "--all"], { env: env() });
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, new RegExp(`deleted 1 account file: ${foreign.id}`));
    assert.deepEqual(await accountFiles(), []);

    const badDuration = await runCli(["files", "cleanup", "--older-than", "soon"], { env: env() });
    assert.equal(badDuration.code, 2);
    assert.match(badDuration.stderr, /usage error \(--older-than\)/);
  });
});
