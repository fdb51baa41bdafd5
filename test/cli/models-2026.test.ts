/**
 * The built CLI with the 2026 lineup: `models` shows today's models first and marks retired ones
 * with their day and successor; `chat` defaults to kimi-k2.6, explains a retired model's 404,
 * falls back with KIMI_MODEL_FALLBACK=successor (warning on stderr) and refuses a bad value
 * (exit 2); an answer without usage is "unknown" in the summary and the usage ledger, never $0.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { type ScriptedServer, startScriptedServer } from "../library/helpers/scripted-server.ts";
import { runCli, TempDirs } from "./run-cli.ts";

const temp = new TempDirs();
const servers: ScriptedServer[] = [];
after(async () => {
  for (const server of servers) await server.close();
  temp.cleanup();
});

function isolated(extra: Record<string, string> = {}): Record<string, string> {
  const state = temp.make();
  return { HOME: state, KIMI_STATE_DIR: state, ...extra };
}

describe("kimi-provider models", () => {
  it("lists the 2026 lineup first, then retired models with their retirement day and successor", async () => {
    const run = await runCli(["models", "--wide"], { env: isolated() });
    assert.equal(run.code, 0, run.stderr);
    const rows = run.stdout.split("\n").slice(1);
    const ids = rows.map((row) => row.split(/\s+/)[0]);
    assert.deepEqual(ids.slice(0, 4), [
      "kimi-k2.6",
      "kimi-k3",
      "kimi-k2.7-code",
      "kimi-k2.7-code-highspeed",
    ]);
    const k3 = rows.find((row) => row.startsWith("kimi-k3 "));
    assert.match(k3 ?? "", /1,048,576\s+0\.30\s+3\.00\s+15\.00\s.*effort.*\scurrent\s*$/);
    const seed = rows.find((row) => row.startsWith("kimi-k2-0905-preview "));
    assert.match(seed ?? "", /\sretired 2026-05-25\s+kimi-k2\.6\s*$/);
    const thinking = rows.find((row) => row.startsWith("kimi-thinking-preview "));
    assert.match(thinking ?? "", /\sretired 2025-11-11\s+kimi-k3\s*$/);
    assert.match(run.stdout, /Retired models answer 404 on the service/);
  });

  it("--json carries status, released_on, retired_on and successor", async () => {
    const run = await runCli(["models", "--json"], { env: isolated() });
    assert.equal(run.code, 0, run.stderr);
    const models = JSON.parse(run.stdout) as Record<string, unknown>[];
    const byId = new Map(models.map((model) => [model.id, model]));
    assert.equal(models[0]?.id, "kimi-k2.6");
    assert.equal(byId.get("kimi-k2.6")?.status, "recommended");
    assert.equal(byId.get("kimi-k2.6")?.retired_on, null);
    assert.equal(byId.get("kimi-k2.6")?.successor, null);
    assert.equal(byId.get("kimi-k3")?.released_on, "2026-07-16");
    for (const [id, day, successor] of [
      ["kimi-k2-0905-preview", "2026-05-25", "kimi-k2.6"],
      ["kimi-k2.5", "2026-08-31", "kimi-k2.6"],
      ["moonshot-v1-8k", "2026-08-31", "kimi-k2.6"],
      ["kimi-latest", "2026-01-28", "kimi-k2.6"],
    ]) {
      const model = byId.get(id);
      assert.equal(model?.status, "retired", id);
      assert.equal(model?.retired_on, day, id);
      assert.equal(model?.successor, successor, id);
    }
    assert.equal(
      models
        .filter((model) => model.status === "recommended")
        .map((model) => model.id)
        .join(),
      "kimi-k2.6",
    );
  });
});

describe("kimi-provider chat and retired models", () => {
  it("with no settings, asks kimi-k2.6", async () => {
    const run = await runCli(["chat", "--json", "Hello"], { env: isolated() });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).model, "kimi-k2.6");
  });

  it("a retired model gets the retirement message (exit 1)", async () => {
    const run = await runCli(["chat", "-m", "kimi-k2-0905-preview", "Hello"], { env: isolated() });
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /ModelNotFoundError \(model_not_found, HTTP 404\): kimi-k2-0905-preview was retired by Moonshot on 2026-05-25; its successor is kimi-k2\.6: set KIMI_DEFAULT_MODEL=kimi-k2\.6 or pass model: "kimi-k2\.6"\./,
    );
  });

  it("KIMI_MODEL_FALLBACK=successor answers from the successor and warns on stderr", async () => {
    const run = await runCli(["chat", "--json", "Hello"], {
      env: isolated({
        KIMI_DEFAULT_MODEL: "kimi-k2-0905-preview",
        KIMI_MODEL_FALLBACK: "successor",
      }),
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).model, "kimi-k2.6");
    assert.match(
      run.stderr,
      /kimi-provider: warning \(model-retired-fallback\): kimi-k2-0905-preview was retired by Moonshot on 2026-05-25 and the service answered 404; the request was re-sent to its successor kimi-k2\.6/,
    );
  });

  it("a bad KIMI_MODEL_FALLBACK is a configuration error (exit 2), before anything starts", async () => {
    const run = await runCli(["chat", "Hello"], {
      env: isolated({ KIMI_MODEL_FALLBACK: "yes" }),
    });
    assert.equal(run.code, 2);
    assert.equal(run.stdout, "");
    assert.match(
      run.stderr,
      /^kimi-provider: configuration error \(KIMI_MODEL_FALLBACK\): Invalid KIMI_MODEL_FALLBACK="yes": must be one of none, successor\./,
    );
    assert.doesNotMatch(run.stderr, /answering from the local emulator/);
  });

  it("--max-tokens below 16000 on a thinking model warns on stderr", async () => {
    const run = await runCli(["chat", "--max-tokens", "8", "--json", "Hello"], {
      env: isolated(),
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr,
      /warning \(max-tokens-low-for-thinking\): maxTokens 8 is small for kimi-k2\.6/,
    );
    assert.match(
      run.stderr,
      /warning \(output-spent-on-reasoning\): kimi-k2\.6 spent all of max_tokens 8/,
    );
    assert.equal(JSON.parse(run.stdout).finish_reason, "length");
  });
});

describe("an answer without usage", () => {
  it("is 'unknown' in the summary, null in --json, and 'unknown' in the usage ledger (never $0)", async () => {
    const server = await startScriptedServer([
      {
        body: JSON.stringify({
          id: "chatcmpl-1",
          object: "chat.completion",
          created: 1787685033,
          model: "kimi-k2.6",
          choices: [
            { index: 0, message: { role: "assistant", content: "Hello" }, finish_reason: "stop" },
          ],
        }),
      },
    ]);
    servers.push(server);
    const env = isolated({ KIMI_API_KEY: "sk-cli-usage-test", KIMI_BASE_URL: server.baseURL });
    const summary = await runCli(["chat", "--no-stream", "--summary", "Hello"], { env });
    assert.equal(summary.code, 0, summary.stderr);
    assert.equal(summary.stdout, "Hello\n");
    assert.equal(
      summary.stderr,
      "kimi-k2.6: usage unknown (the service reported none), cost unknown\n",
    );
    const json = await runCli(["chat", "--no-stream", "--json", "Hello"], { env });
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout);
    assert.equal(parsed.usage, null);
    assert.deepEqual(parsed.cost_usd, { input: null, output: null, total: null });

    const usage = await runCli(["usage"], { env });
    assert.equal(usage.code, 0, usage.stderr);
    assert.match(
      usage.stdout,
      /^cost {4}unknown \(2 of 2 requests with no known cost: no price, or no usage reported\)$/m,
    );
    assert.match(usage.stdout, /^kimi-k2\.6\s+2\s+0\s+0%\s+0\s+unknown\s*$/m);
    assert.doesNotMatch(usage.stdout, /\$0\b/);
    const ledger = JSON.parse((await runCli(["usage", "--json"], { env })).stdout);
    assert.equal(ledger.requests, 2);
    assert.equal(ledger.unpricedRequests, 2);
  });
});

describe("kimi-provider models in 80 columns", () => {
  it("the default table fits 80 columns; --wide adds capabilities, retirement days and successors", async () => {
    const run = await runCli(["models"], { env: isolated() });
    assert.equal(run.code, 0, run.stderr);
    const widest = Math.max(...run.stdout.split("\n").map((line) => line.length));
    assert.ok(widest <= 80, `widest line ${widest}`);
    assert.match(run.stdout, /^id\s+context\s+hit\s+miss\s+output\s+status$/m);
    assert.match(run.stdout, /^kimi-k2-0905-preview\s+262,144\s+0\.15\s+0\.60\s+2\.50\s+retired$/m);
    assert.match(
      run.stdout,
      /^--wide adds capabilities, retirement days and successors; --json everything\.$/m,
    );
    const wide = await runCli(["models", "--wide"], { env: isolated() });
    assert.match(
      wide.stdout,
      /^id\s+context\s+hit\s+miss\s+output\s+capabilities\s+status\s+successor$/m,
    );
  });
});
