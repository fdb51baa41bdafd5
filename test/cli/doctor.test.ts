/**
 * `kimi-provider doctor` against the emulator: every check on one line with its fix, exit 0 only
 * when nothing failed, and not a token spent (the emulator saw only `GET /v1/models`).
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { runCli, TempDirs } from "./run-cli.ts";

const KEY = "sk-doctor-test-0123456789";

interface DoctorJson {
  ok: boolean;
  checks: { name: string; status: string; detail: string; fix: string }[];
}

describe("kimi-provider doctor", () => {
  let emu: RunningEmulator;
  const temp = new TempDirs();
  const env = (extra: Record<string, string> = {}): Record<string, string> => {
    const state = temp.make();
    return {
      KIMI_API_KEY: KEY,
      KIMI_BASE_URL: emu.baseURL,
      KIMI_STATE_DIR: state,
      HOME: state,
      ...extra,
    };
  };
  const statuses = (report: DoctorJson) =>
    report.checks.map((check) => `${check.name} ${check.status}`);

  before(async () => {
    emu = await startEmulator({ apiKey: KEY });
  });
  after(async () => {
    await emu.close();
    temp.cleanup();
  });

  it("all checks pass with a good key: one line each, exit 0, only GET /v1/models sent", async () => {
    emu.clearRequests();
    const run = await runCli(["doctor"], { env: env() });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const lines = run.stdout.trimEnd().split("\n");
    assert.deepEqual(
      lines.map((line) => line.split(":")[0]),
      [
        "ok   key",
        "ok   accepted",
        "ok   host",
        "ok   model",
        "ok   clock",
        "ok   proxy",
        "ok   state",
      ].concat(["all checks passed"]),
    );
    assert.match(lines[3] ?? "", /the default model kimi-k2\.6 is served/);
    assert.match(lines[4] ?? "", /^ok {3}clock: within 60 s of the service's \(-?\d+ s\)$/);
    assert.deepEqual(
      emu.requests.map((r) => `${r.method} ${r.path} ${r.status}`),
      ["GET /v1/models 200"],
    );
    assert.equal(run.stdout.includes(KEY), false);
  });

  it("a refused key fails with the fix, and the checks that need an answer are skipped", async () => {
    const run = await runCli(["doctor", "--json"], {
      env: env({ KIMI_API_KEY: "sk-wrong-key-000000" }),
    });
    assert.equal(run.code, 1);
    const report = JSON.parse(run.stdout) as DoctorJson;
    assert.equal(report.ok, false);
    assert.deepEqual(statuses(report), [
      "key ok",
      "accepted fail",
      "host skip",
      "model skip",
      "clock skip",
      "proxy ok",
      "state ok",
    ]);
    assert.match(report.checks[1]?.detail ?? "", /refused the key \(HTTP 401\)/);
    assert.match(report.checks[1]?.fix ?? "", /check KIMI_API_KEY/);
    assert.equal(run.stdout.includes("sk-wrong-key-000000"), false);
  });

  it("a retired KIMI_DEFAULT_MODEL fails naming its successor", async () => {
    const run = await runCli(["doctor"], { env: env({ KIMI_DEFAULT_MODEL: "kimi-k2.5" }) });
    assert.equal(run.code, 1);
    assert.match(
      run.stdout,
      /^FAIL model: the default model kimi-k2\.5 was retired on \d{4}-\d\d-\d\d; fix: export KIMI_DEFAULT_MODEL=kimi-k2\.6 \(or unset it\)$/m,
    );
    assert.match(run.stdout, /^1 check failed$/m);
  });

  it("a default model the host does not serve fails listing the served ones", async () => {
    const served = await startEmulator({ apiKey: KEY, models: ["kimi-k3"] });
    try {
      const run = await runCli(["doctor"], { env: env({ KIMI_BASE_URL: served.baseURL }) });
      assert.equal(run.code, 1);
      assert.match(
        run.stdout,
        /^FAIL model: the default model kimi-k2\.6 is not among the 1 models 127\.0\.0\.1:\d+ serves to this key; fix: set KIMI_DEFAULT_MODEL to one of: kimi-k3$/m,
      );
    } finally {
      await served.close();
    }
  });

  it("proxy variables are reported as unused, truthfully: the emulator is still reached directly", async () => {
    emu.clearRequests();
    const run = await runCli(["doctor"], {
      env: env({
        HTTPS_PROXY: "http://127.0.0.1:9",
        HTTP_PROXY: "http://127.0.0.1:9",
        NO_PROXY: "example.com",
      }),
    });
    // A warning does not fail the run.
    assert.equal(run.code, 0, run.stdout);
    assert.match(
      run.stdout,
      /^warn proxy: HTTPS_PROXY, HTTP_PROXY are set, but kimi-provider does not use proxy variables: it connects directly \(NO_PROXY is irrelevant for it\); fix: /m,
    );
    assert.equal(emu.requests.at(-1)?.status, 200);
  });

  it("a state directory that cannot be used fails naming it", async () => {
    const dir = temp.make();
    const blocker = join(dir, "not-a-dir");
    writeFileSync(blocker, "");
    const run = await runCli(["doctor", "--json"], { env: env({ KIMI_STATE_DIR: blocker }) });
    assert.equal(run.code, 1);
    const state = (JSON.parse(run.stdout) as DoctorJson).checks.find(
      (check) => check.name === "state",
    );
    assert.equal(state?.status, "fail");
    assert.match(
      state?.detail ?? "",
      /Cannot create the state directory .*not-a-dir \(a file, not a directory, is in the way\)/,
    );
  });

  it("without a key and without KIMI_BASE_URL: the key check fails and says answers come from the emulator", async () => {
    const state = temp.make();
    const run = await runCli(["doctor", "--json"], { env: { KIMI_STATE_DIR: state, HOME: state } });
    assert.equal(run.code, 1);
    const report = JSON.parse(run.stdout) as DoctorJson;
    assert.deepEqual(statuses(report).slice(0, 5), [
      "key fail",
      "accepted skip",
      "host skip",
      "model skip",
      "clock skip",
    ]);
    assert.match(report.checks[0]?.detail ?? "", /every command answers from the local emulator/);
  });
});
