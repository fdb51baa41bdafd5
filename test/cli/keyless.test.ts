/**
 * What a new user without a key meets: the in-process emulator keeps one registry identity across
 * runs (so `files cleanup` and `files delete` clear their entries), a loopback KIMI_BASE_URL is
 * used rather than a second emulator, summaries say `$0 (emulator)`, `usage` says emulator answers
 * are not counted, and retry lines say why the CLI waits.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, before, describe, it } from "node:test";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { runCli, TempDirs } from "./run-cli.ts";

function registryRows(state: string): { base_url: string; file_id: string | null }[] {
  const db = new DatabaseSync(join(state, "state.db"));
  try {
    return db.prepare("SELECT base_url, file_id FROM uploaded_files").all() as unknown as {
      base_url: string;
      file_id: string | null;
    }[];
  } finally {
    db.close();
  }
}

describe("kimi-provider without a key", () => {
  const temp = new TempDirs();
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await emu.close();
    temp.cleanup();
  });

  it("files uploaded in one run are cleaned up by a later run, and the registry ends empty", async () => {
    const state = temp.make();
    const env = { KIMI_STATE_DIR: state, HOME: state };
    const doc = join(state, "doc.txt");
    writeFileSync(doc, "hello");
    const first = await runCli(["files", "upload", "--json", doc], { env });
    assert.equal(first.code, 0, first.stderr);
    const second = await runCli(["files", "upload", "--json", doc], { env });
    const ids = [first, second].map((run) => (JSON.parse(run.stdout) as { id: string }).id);
    assert.deepEqual(
      registryRows(state)
        .map((row) => `${row.base_url} ${row.file_id}`)
        .sort(),
      ids.map((id) => `emulator:local ${id}`).sort(),
    );
    // `files delete` in another run (another emulator port) clears its entry.
    const deleted = await runCli(["files", "delete", ids[0] ?? ""], { env });
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.deepEqual(
      registryRows(state).map((row) => row.file_id),
      [ids[1]],
    );
    const cleanup = await runCli(["files", "cleanup"], { env });
    assert.equal(cleanup.code, 0, cleanup.stderr);
    assert.match(cleanup.stdout, /^deleted 1 file uploaded by kimi-provider on this machine/m);
    assert.deepEqual(registryRows(state), []);
    const list = await runCli(["files", "list", "--json"], { env });
    assert.deepEqual(JSON.parse(list.stdout), []);
  });

  it("a loopback KIMI_BASE_URL is used (and said so) instead of starting another emulator", async () => {
    const state = temp.make();
    emu.clearRequests();
    const run = await runCli(["chat", "--summary", "Hello"], {
      env: { KIMI_BASE_URL: emu.baseURL, KIMI_STATE_DIR: state, HOME: state },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stderr.split("\n")[0],
      `no KIMI_API_KEY: answering from KIMI_BASE_URL=${emu.baseURL} (your local emulator or gateway)`,
    );
    assert.deepEqual(
      emu.requests.map((r) => `${r.method} ${r.path} ${r.status}`),
      ["POST /v1/chat/completions 200"],
    );
  });

  it("a non-loopback KIMI_BASE_URL without a key: the local emulator answers, and stderr says why", async () => {
    const state = temp.make();
    const run = await runCli(["chat", "Hello"], {
      env: { KIMI_BASE_URL: "https://api.moonshot.cn/v1", KIMI_STATE_DIR: state, HOME: state },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stderr.split("\n")[0],
      "no KIMI_API_KEY: answering from the local emulator (KIMI_BASE_URL=https://api.moonshot.cn/v1 needs a key; only a loopback one is used without)",
    );
  });

  it("an emulator answer's summary says $0 (emulator), and usage says such answers are not counted", async () => {
    const state = temp.make();
    const env = { KIMI_STATE_DIR: state, HOME: state };
    const run = await runCli(["chat", "--summary", "--hide-reasoning", "Hello"], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr.trimEnd().split("\n").at(-1) ?? "",
      /^kimi-k2\.6: \d+ prompt tokens \(0% cached\) \+ \d+ completion = \d+ tokens, \$0 \(emulator\)$/,
    );
    const usage = await runCli(["usage"], { env });
    assert.match(usage.stdout, /: 0 requests to the service\n/);
    assert.match(
      usage.stdout,
      /Answers of the local emulator \(no KIMI_API_KEY\) cost nothing and are not recorded; KIMI_API_KEY is not set, so chats answer from the emulator\./,
    );
  });

  it("a retry line says why: rate limited, waiting as the service asked", async () => {
    const guarded = await startEmulator({ apiKey: "sk-retry-test" });
    try {
      guarded.inject({
        kind: "error",
        status: 429,
        type: "rate_limit_reached_error",
        message:
          "Your account org-x<ak-x> request reached organization max RPM: 3, please try again after 1 seconds",
        path: "/v1/chat/completions",
      });
      const state = temp.make();
      const run = await runCli(["chat", "--hide-reasoning", "Hello"], {
        env: {
          KIMI_API_KEY: "sk-retry-test",
          KIMI_BASE_URL: guarded.baseURL,
          KIMI_STATE_DIR: state,
          HOME: state,
        },
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(
        run.stderr,
        "kimi-provider: rate limited: waiting 1 s as the service asked (retry 1 of 2)\n",
      );
      assert.deepEqual(
        guarded.requests.map((r) => r.status),
        [429, 200],
      );
    } finally {
      await guarded.close();
    }
  });

  it("a file the emulator cannot extract: the error names the file, says the emulator refused it, advises what applies", async () => {
    const state = temp.make();
    const blob = join(state, "data.xyz");
    writeFileSync(blob, Buffer.from([0xff, 0xfe, 0x00, 0xc3]));
    const run = await runCli(["chat", "-f", blob, "What is in it?"], {
      env: { KIMI_STATE_DIR: state, HOME: state },
    });
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /^kimi-provider: FileExtractionError \(file_extraction_failed, HTTP 500\): The local service at 127\.0\.0\.1:\d+ \(an emulator or gateway, not Moonshot\) could not extract text from data\.xyz \([0-9a-v]+\): Failed to extract file: unsupported file type \.xyz: the emulator extracts text files and PDFs only\. kimi-provider's emulator extracts only text files and PDFs; Moonshot itself also reads Office documents and more\./m,
    );
    assert.equal(run.stderr.includes('purpose "image"'), false);
  });
});
