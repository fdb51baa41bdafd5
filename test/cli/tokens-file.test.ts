/**
 * `tokens -f` counts what `chat -f` sends: the text extracted from the file (by the service, or
 * the local emulator without a key) in one system message, not the file's raw bytes (a PDF's raw
 * bytes are many times its text). The expected count is computed from the emulator's own
 * extraction of the same file and the library's estimator.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { createKimi } from "../../src/index.ts";
import { estimatePromptTokens } from "../../src/tokens/local-estimator.ts";
import { tinyPdf } from "../emulator/helpers.ts";
import { runCli, TempDirs } from "./run-cli.ts";

const KEY = "sk-tokens-file-test";

interface TokensJson {
  tokens: number;
  characters: number;
  estimate: boolean;
  extracted_by: string;
}

describe("kimi-provider tokens -f", () => {
  let emu: RunningEmulator;
  const temp = new TempDirs();
  let pdf: string;
  before(async () => {
    emu = await startEmulator({ apiKey: KEY });
    const dir = temp.make();
    pdf = join(dir, "report.pdf");
    writeFileSync(pdf, tinyPdf("Quarterly revenue grew by twelve percent"));
  });
  after(async () => {
    await emu.close();
    temp.cleanup();
  });

  /** What `chat -f` would put in its system message for `path`, as the emulator extracts it. */
  async function sentText(path: string): Promise<string> {
    const kimi = createKimi({ apiKey: KEY, baseURL: emu.baseURL, stateDir: temp.make() });
    const uploaded = await kimi.files.upload(path);
    const content = await kimi.files.content(uploaded.id);
    await kimi.files.delete(uploaded.id);
    return content.raw;
  }

  it("counts the extracted text of a PDF (with a key: the service extracts), uploads it once and deletes it", async () => {
    const expected = await sentText(pdf);
    emu.clearRequests();
    const state = temp.make();
    const run = await runCli(["tokens", "--json", "-f", pdf], {
      env: { KIMI_API_KEY: KEY, KIMI_BASE_URL: emu.baseURL, KIMI_STATE_DIR: state, HOME: state },
    });
    assert.equal(run.code, 0, run.stderr);
    const answer = JSON.parse(run.stdout) as TokensJson;
    assert.equal(answer.extracted_by, "service");
    assert.equal(answer.estimate, true);
    assert.equal(answer.characters, expected.length);
    assert.equal(answer.tokens, estimatePromptTokens([{ role: "system", content: expected }]));
    // Far below what the raw bytes would count.
    const rawBytes = estimatePromptTokens([
      {
        role: "user",
        content: tinyPdf("Quarterly revenue grew by twelve percent").toString("latin1"),
      },
    ]);
    assert.ok(answer.tokens * 3 < rawBytes, `${answer.tokens} vs raw ${rawBytes}`);
    assert.deepEqual(
      emu.requests.map(
        (r) => `${r.method} ${r.path.replace(/\/files\/[^/]+/, "/files/ID")} ${r.status}`,
      ),
      ["POST /v1/files 200", "GET /v1/files/ID/content 200", "DELETE /v1/files/ID 200"],
    );
  });

  it("says in words that the count is an estimate of the extracted text, and who extracted it", async () => {
    const state = temp.make();
    const run = await runCli(["tokens", "-f", pdf], {
      env: { KIMI_STATE_DIR: state, HOME: state },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /^~\d+ tokens \(a local estimate of [\d,]+ characters extracted from .*report\.pdf by the local emulator \(uploaded, read, deleted\), as `chat -f` sends it in a system message; expect about ±20% against the service\)/,
    );
  });
});
