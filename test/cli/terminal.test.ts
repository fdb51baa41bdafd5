/**
 * What a person sees on a real terminal: the CLI runs under a pseudo-terminal made by util-linux
 * `script` (Debian's essential bsdutils), so stdout and stderr are TTYs. Reasoning is dimmed and
 * the summary line appears without `--summary`.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { CLI, ensureBuilt, TempDirs } from "./run-cli.ts";

const DIM = "\u001b[2m";

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

function runInTerminal(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number; output: string }> {
  ensureBuilt();
  const command = [process.execPath, CLI, ...args].map(shellQuote).join(" ");
  return new Promise((resolve, reject) => {
    execFile(
      "script",
      ["-qec", command, "/dev/null"],
      { env: { PATH: process.env.PATH ?? "", TERM: "xterm", ...env }, encoding: "utf8" },
      (error, stdout) => {
        if (error && typeof error.code !== "number") {
          reject(error);
          return;
        }
        resolve({ code: typeof error?.code === "number" ? error.code : 0, output: stdout });
      },
    );
  });
}

describe("kimi-provider chat on a terminal", () => {
  let emu: RunningEmulator;
  const dirs = new TempDirs();

  before(async () => {
    emu = await startEmulator({ apiKey: "sk-terminal-test" });
  });
  after(async () => {
    await emu.close();
    dirs.cleanup();
  });

  const env = (): Record<string, string> => ({
    KIMI_API_KEY: "sk-terminal-test",
    KIMI_BASE_URL: emu.baseURL,
    HOME: dirs.make(),
    KIMI_STATE_DIR: dirs.make(),
  });

  it("dims the reasoning of a thinking model and ends with the summary line", async () => {
    const run = await runInTerminal(["chat", "-m", "kimi-k2.6", "Why is the sky blue?"], env());
    assert.equal(run.code, 0, run.output);
    const served = emu.requests.at(-1);
    assert.equal(served?.status, 200);
    // The reasoning (stderr) is wrapped in the dim style, the answer is not.
    assert.ok(run.output.includes(DIM), `no dim style in: ${JSON.stringify(run.output)}`);
    const lines = run.output.trimEnd().split(/\r?\n/);
    assert.match(
      lines.at(-1) ?? "",
      /kimi-k2\.6: \d+ prompt tokens \(\d+% cached\) \+ \d+ completion/,
    );
    assert.equal(run.output.includes("sk-terminal-test"), false);
  });

  it("prints no styling at all when NO_COLOR is set, and still the summary", async () => {
    const run = await runInTerminal(["chat", "-m", "kimi-k2.6", "Hello"], {
      ...env(),
      NO_COLOR: "1",
    });
    assert.equal(run.code, 0, run.output);
    assert.equal(run.output.includes("\u001b["), false);
    assert.match(run.output, /kimi-k2\.6: \d+ prompt tokens/);
  });
});
