/**
 * One retry loop: an upload refused with a 429 is retried by the transport's loop, so the
 * `debug` hook sees it and `--verbose` prints the retry line, like for any other request.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { runCli, TempDirs } from "./run-cli.ts";

const KEY = "sk-upload-retry-key-0123456789";

describe("kimi-provider files upload --verbose after a 429", () => {
  let emu: RunningEmulator;
  const temp = new TempDirs();
  before(async () => {
    emu = await startEmulator({ apiKey: KEY });
  });
  after(async () => {
    await emu.close();
    temp.cleanup();
  });

  it("shows the retry line and uploads once the service accepts", async () => {
    const state = temp.make();
    const dir = temp.make();
    const path = join(dir, "notes.txt");
    writeFileSync(path, "Notes to upload.");
    emu.inject({
      path: "/v1/files",
      method: "POST",
      kind: "error",
      status: 429,
      type: "rate_limit_reached_error",
      message: "request reached organization max RPM: 3, please try again after 0.01 seconds",
    });
    const run = await runCli(["files", "upload", "--verbose", "--json", path], {
      env: { KIMI_API_KEY: KEY, KIMI_BASE_URL: emu.baseURL, KIMI_STATE_DIR: state, HOME: state },
    });
    assert.equal(run.code, 0, run.stderr);
    const retryLines = run.stderr.split("\n").filter((line) => line.startsWith("! retry"));
    assert.deepEqual(retryLines, [
      "! retry 1/2 in 10 ms after RateLimitError: Rate limit reached (HTTP 429 rate_limit_reached_error: request reached organization max RPM: 3, please try again after 0.01 seconds). Wait 1 s and retry, lower concurrency, or raise your tier.",
    ]);
    const uploads = emu.requests.filter((r) => r.method === "POST" && r.path === "/v1/files");
    assert.deepEqual(
      uploads.map((r) => r.status),
      [429, 200],
    );
    assert.equal((JSON.parse(run.stdout) as { filename: string }).filename, "notes.txt");
    assert.doesNotMatch(run.stderr, new RegExp(KEY));
  });
});
