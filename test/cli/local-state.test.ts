/**
 * The CLI and the local state, end to end with the built CLI as subprocesses: 40 parallel chats
 * all reach the usage ledger, a reader that closes the pipe early loses nothing and sees no crash,
 * `files cleanup` leaves the files of a running `chat -f` alone unless --force, and damaged state
 * is exit 1 with a message naming the file.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { runCli, TempDirs } from "./run-cli.ts";

const KEY = "sk-local-state-test-0123456789";

interface Ledger {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  byModel: Record<string, { requests: number }>;
}

describe("kimi-provider and the local state", () => {
  let emu: RunningEmulator;
  const temp = new TempDirs();
  const env = (state: string) => ({
    KIMI_API_KEY: KEY,
    KIMI_BASE_URL: emu.baseURL,
    KIMI_STATE_DIR: state,
    HOME: state,
  });
  const ledger = async (state: string): Promise<Ledger> => {
    const run = await runCli(["usage", "--json"], { env: env(state) });
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout) as Ledger;
  };

  before(async () => {
    emu = await startEmulator({ apiKey: KEY });
  });
  after(async () => {
    await emu.close();
    temp.cleanup();
  });

  it("40 parallel chat runs (with an empty legacy lock file present) record 40 usage rows", async () => {
    const state = temp.make();
    writeFileSync(join(state, "usage.json.lock"), "");
    emu.clearRequests();
    const runs = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        runCli(["chat", "--json", "-m", "kimi-k2.6", `Question ${i}`], { env: env(state) }),
      ),
    );
    let promptTokens = 0;
    let completionTokens = 0;
    for (const run of runs) {
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, "", "no ExperimentalWarning or any other noise");
      const answer = JSON.parse(run.stdout) as {
        usage: { prompt_tokens: number; completion_tokens: number };
      };
      promptTokens += answer.usage.prompt_tokens;
      completionTokens += answer.usage.completion_tokens;
    }
    assert.equal(emu.requests.filter((r) => r.path === "/v1/chat/completions").length, 40);
    const totals = await ledger(state);
    assert.equal(totals.requests, 40);
    assert.equal(totals.byModel["kimi-k2.6"]?.requests, 40);
    assert.equal(totals.promptTokens, promptTokens);
    assert.equal(totals.completionTokens, completionTokens);
  });

  it("a streamed chat piped into a reader that closes early: usage recorded, no stack trace, exit 0", async () => {
    const state = temp.make();
    // A long, slow answer, so that most of it is written after the reader has gone.
    emu.inject({ kind: "slow-stream", ms: 10, path: "/v1/chat/completions" });
    let closedAfter = "";
    const run = await runCli(["chat", "-m", "kimi-k2.6", "--hide-reasoning", "Tell a story"], {
      env: { ...env(state) },
      onStdout: (chunk: string, child: ChildProcess) => {
        if (closedAfter !== "") return;
        closedAfter = chunk;
        child.stdout?.destroy(); // like `| head -c 1`
      },
    });
    assert.notEqual(closedAfter, "");
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.signal, null);
    assert.equal(run.stderr, "");
    const served = emu.requests.filter((r) => r.path === "/v1/chat/completions").at(-1);
    assert.equal(served?.status, 200);
    const totals = await ledger(state);
    assert.equal(totals.requests, 1);
    assert.ok(totals.completionTokens > 0);
  });

  it("every command whose stdout is already closed ends quietly with exit 0", async () => {
    const state = temp.make();
    const closed = (child: ChildProcess) => child.stdout?.destroy();
    for (const args of [
      ["models"],
      ["models", "--json"],
      ["tokens", "Hello there"],
      ["cost", "-m", "kimi-k2.6", "--input", "1000", "--output", "10"],
      ["balance"],
      ["files", "list"],
      ["usage"],
      ["chat", "--json", "-m", "kimi-k2.6", "Hi"],
      ["chat", "-m", "kimi-k2.6", "--hide-reasoning", "Hi"],
      ["--help"],
    ]) {
      const run = await runCli(args, { env: env(state), onSpawn: closed });
      assert.equal(run.code, 0, `${args.join(" ")}: ${run.stderr}`);
      assert.equal(run.stderr, "", args.join(" "));
    }
    assert.equal((await ledger(state)).requests, 2, "both chats recorded");
  });

  it("files cleanup skips the file of a running `chat -f` and says why; the chat succeeds; --force deletes it", async () => {
    const state = temp.make();
    const doc = join(state, "doc.txt");
    writeFileSync(doc, "The meeting is on Tuesday.");
    const cleanupEnv = env(state);

    // Holds the chat between upload and use: its content request waits 3 s at the emulator.
    const runChatDuringCleanup = async (cleanupArgs: string[]) => {
      emu.clearRequests();
      emu.inject({ kind: "delay", ms: 3_000, method: "GET", path: "/v1/files/" });
      let chatPid = 0;
      const chat = runCli(["chat", "-m", "kimi-k2.6", "--json", "-f", doc, "When?"], {
        env: env(state),
        onSpawn: (child) => {
          chatPid = child.pid ?? 0;
        },
      });
      while (!emu.requests.some((r) => r.method === "GET" && r.path.endsWith("/content"))) {
        await new Promise((resolveWait) => setTimeout(resolveWait, 20));
      }
      const uploaded = emu.requests.find((r) => r.method === "GET" && r.path.endsWith("/content"));
      const id = uploaded?.path.split("/")[3] ?? "";
      const cleanup = await runCli(["files", "cleanup", ...cleanupArgs], { env: cleanupEnv });
      return { chat: await chat, cleanup, id, chatPid };
    };

    const skipped = await runChatDuringCleanup([]);
    assert.equal(skipped.cleanup.code, 0, skipped.cleanup.stderr);
    assert.equal(
      skipped.cleanup.stdout,
      `deleted 0 files uploaded by kimi-provider on this machine\nskipped 1 in use by a running kimi-provider process: ${skipped.id} doc.txt (pid ${skipped.chatPid}); run again once it has finished, or use --force\n`,
    );
    assert.equal(skipped.chat.code, 0, skipped.chat.stderr);
    const answer = JSON.parse(skipped.chat.stdout) as { content: string };
    assert.ok(answer.content.length > 0);
    assert.deepEqual(
      emu.requests.filter((r) => r.method === "DELETE").map((r) => [r.path, r.status]),
      [[`/v1/files/${skipped.id}`, 200]],
      "only the chat's own deletion, after its answer",
    );

    const forced = await runChatDuringCleanup(["--force", "--json"]);
    assert.equal(forced.cleanup.code, 0, forced.cleanup.stderr);
    assert.deepEqual(JSON.parse(forced.cleanup.stdout), {
      mode: "tracked",
      deleted: [forced.id],
      failed: [],
      skipped: [],
    });
    const deletes = emu.requests.filter((r) => r.method === "DELETE");
    assert.deepEqual(deletes[0]?.path, `/v1/files/${forced.id}`);
    assert.equal(deletes[0]?.status, 200);
    // The chat lost its file (that is what --force means): it fails with the 404.
    assert.equal(forced.chat.code, 1);
    assert.match(forced.chat.stderr, /NotFoundError \(not_found, HTTP 404\)/);
    const list = await runCli(["files", "list", "--json"], { env: cleanupEnv });
    assert.deepEqual(JSON.parse(list.stdout), []);
  });

  it("damaged state: exit 1 and a message naming the file and the fix; never `deleted 0`", async () => {
    const state = temp.make();
    writeFileSync(join(state, "state.db"), "not a database ".repeat(500));
    emu.clearRequests();
    for (const args of [["files", "cleanup"], ["usage"], ["files", "cleanup", "--all"]]) {
      const run = await runCli(args, { env: env(state) });
      assert.equal(run.code, 1, args.join(" "));
      assert.equal(run.stdout, "", args.join(" "));
      assert.equal(
        run.stderr,
        `kimi-provider: StateError (state_corrupt): The local state database ${join(state, "state.db")} is damaged (file is not a database). Move it aside (e.g. rename it to ${join(state, "state.db")}.damaged) and run again: a new, empty one is created. The files it tracked stay on the account; \`kimi-provider files list\` shows them and \`files delete ID\` removes them.\n`,
      );
    }
    assert.deepEqual(
      emu.requests.filter((r) => r.method === "DELETE"),
      [],
    );
    const notDir = join(state, "file-not-dir");
    writeFileSync(notDir, "x");
    const run = await runCli(["usage"], { env: { ...env(state), KIMI_STATE_DIR: notDir } });
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /^kimi-provider: StateError \(state_unwritable\): Cannot create the state directory .*file-not-dir \(a file, not a directory, is in the way\)\./,
    );
  });
});
