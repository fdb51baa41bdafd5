/**
 * Numeric flags of the built CLI: plain decimal notation only. A negative value is an invalid
 * value (not "needs a value"); hex, exponents, trailing garbage and spaces are refused with a
 * message naming the flag and the expected form; exit code 2, and nothing is sent or started.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { runCli, TempDirs } from "./run-cli.ts";

const temp = new TempDirs();
after(() => temp.cleanup());

/** A clean environment whose state directory is private to the run. */
function env() {
  const state = temp.make();
  return { KIMI_STATE_DIR: state, HOME: state };
}

describe("numeric flags", () => {
  for (const value of ["-5", "0x10", "1e3", "10abc", " 16", "16 ", "+16", "1.0"]) {
    it(`chat --max-tokens ${JSON.stringify(value)} is an invalid value, exit 2`, async () => {
      const run = await runCli(["chat", "--max-tokens", value, "Hi"], { env: env() });
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stdout, "");
      assert.match(
        run.stderr,
        new RegExp(
          `--max-tokens ${JSON.stringify(value).replace(/[+.]/g, "\\$&")} is invalid: use a positive whole number of tokens, written in plain decimal digits \\(e\\.g\\. 1024\\)`,
        ),
      );
      assert.doesNotMatch(run.stderr, /needs a value/);
      // Refused before the no-key emulator was started.
      assert.doesNotMatch(run.stderr, /answering from the local emulator/);
    });
  }

  it("a negative temperature is an invalid value, not a missing one", async () => {
    const run = await runCli(["chat", "--temperature", "-0.5", "Hi"], { env: env() });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--temperature "-0\.5" is invalid: use a number from 0 to 1/);
    assert.doesNotMatch(run.stderr, /needs a value/);
  });

  it("cost --input 0x10 and emulator --port 1e3 are refused", async () => {
    const cost = await runCli(["cost", "-m", "kimi-k2.6", "--input", "0x10", "--output", "1"], {
      env: env(),
    });
    assert.equal(cost.code, 2);
    assert.match(
      cost.stderr,
      /--input "0x10" is invalid: use a whole number of tokens, 0 or more, written in plain decimal digits/,
    );
    const emulator = await runCli(["emulator", "--port", "1e3"], { env: env() });
    assert.equal(emulator.code, 2);
    assert.match(emulator.stderr, /--port "1e3" is invalid/);
  });

  it("a text flag followed by a dash value says how to pass it", async () => {
    const run = await runCli(["chat", "--system", "-be brief", "Hi"], { env: env() });
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /--system was followed by a value starting with "-": write it as --system=VALUE/,
    );
  });

  it("plain numbers still work", async () => {
    const run = await runCli(
      ["cost", "-m", "kimi-k2.6", "--input", "1000000", "--output", "0", "--cached", "0"],
      { env: env() },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /kimi-k2\.6/);
  });
});
