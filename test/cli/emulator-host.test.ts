/**
 * `kimi-provider emulator --host`: beyond loopback a key is required (exit 2 without one), and
 * with one the emulator starts, serves requests carrying it and warns on stderr. Runs the built
 * CLI as a subprocess.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runCli } from "./run-cli.ts";

describe("kimi-provider emulator --host", () => {
  it("refuses a non-loopback host without --api-key: exit 2 naming the flag", async () => {
    const run = await runCli(["emulator", "--port", "0", "--host", "0.0.0.0"]);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /usage error \(--api-key\)/);
    assert.match(
      run.stderr,
      /--host 0\.0\.0\.0 is reachable from other machines, so --api-key KEY is required with it/,
    );
  });

  it("with --api-key it starts, warns on stderr, and answers only the key", async () => {
    const key = "sk-emulator-lan-test-4567";
    let seen = "";
    let checks: Promise<number[]> | undefined;
    const run = await runCli(["emulator", "--port", "0", "--host", "0.0.0.0", "--api-key", key], {
      onStdout: (chunk, child) => {
        seen += chunk;
        const match = /listening on http:\/\/0\.0\.0\.0:(\d+)\/v1/.exec(seen);
        if (!match?.[1] || checks) return;
        const base = `http://127.0.0.1:${match[1]}/v1`;
        const get = (auth: string) =>
          fetch(`${base}/models`, { headers: { authorization: auth } }).then((res) => res.status);
        checks = Promise.all([get(`Bearer ${key}`), get("Bearer sk-other")]).finally(() =>
          child.kill("SIGINT"),
        );
      },
    });
    assert.deepEqual(await checks, [200, 401]);
    assert.equal(run.code, 0, run.stderr);
    const warnings = run.stderr.split("\n").filter((line) => line.startsWith("warning:"));
    assert.deepEqual(warnings, [
      "warning: the emulator listens on 0.0.0.0, reachable from other machines over plain HTTP; only requests with the API key are answered.",
    ]);
    assert.equal(run.stdout.includes(key), false);
    assert.equal(run.stderr.includes(key), false);
  });
});
