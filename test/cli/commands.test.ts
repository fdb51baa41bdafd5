/**
 * `models`, `tokens`, `cost`, `balance`, `usage`, `emulator`, help and the no-key path, end to end
 * with the built CLI.
 */
import assert from "node:assert/strict";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { runCli, TempDirs } from "./run-cli.ts";

const KEY = "sk-commands-test-key-0123456789";

describe("kimi-provider commands", () => {
  let emu: RunningEmulator;
  const temp = new TempDirs();
  const env = (state: string) => ({
    KIMI_API_KEY: KEY,
    KIMI_BASE_URL: emu.baseURL,
    KIMI_STATE_DIR: state,
    HOME: state,
  });

  before(async () => {
    emu = await startEmulator({
      apiKey: KEY,
      models: ["kimi-k2.6", "moonshot-v1-8k", "kimi-k2-0905-preview"],
    });
  });
  after(async () => {
    await emu.close();
    temp.cleanup();
  });

  it("--help works for the program and every command; unknown commands exit 2", async () => {
    const main = await runCli(["--help"]);
    assert.equal(main.code, 0);
    assert.match(main.stdout, /^Usage: kimi-provider <command>/m);
    for (const command of [
      "chat",
      "models",
      "files",
      "tokens",
      "cost",
      "balance",
      "usage",
      "emulator",
    ]) {
      const run = await runCli([command, "--help"]);
      assert.equal(run.code, 0, command);
      assert.match(run.stdout, new RegExp(`^Usage: kimi-provider ${command}`, "m"));
    }
    const unknown = await runCli(["chatt"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "chatt"/);
    const version = await runCli(["--version"]);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it("models prints the catalog table; --json an array with id, context_window, pricing, status", async () => {
    const table = await runCli(["models", "--wide"]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(
      table.stdout,
      /^id\s+context\s+hit\s+miss\s+output\s+capabilities\s+status\s+successor$/m,
    );
    assert.match(
      table.stdout,
      /^kimi-k2\.6\s+262,144\s+0\.16\s+0\.95\s+4\.00\s+\S+\s+recommended$/m,
    );
    // Retired models stay listed with the prices they had.
    assert.match(
      table.stdout,
      /^kimi-k2-0905-preview\s+262,144\s+0\.15\s+0\.60\s+2\.50\s+\S+\s+retired\b/m,
    );
    const json = await runCli(["models", "--json"]);
    const models = JSON.parse(json.stdout) as {
      id: string;
      context_window: number;
      pricing: {
        input_cache_hit: number | null;
        input_cache_miss: number | null;
        output: number | null;
      };
      status: string;
    }[];
    const k2 = models.find((model) => model.id === "kimi-k2-0905-preview");
    assert.equal(k2?.context_window, 262_144);
    assert.deepEqual(
      {
        hit: k2?.pricing.input_cache_hit,
        miss: k2?.pricing.input_cache_miss,
        out: k2?.pricing.output,
      },
      { hit: 0.15, miss: 0.6, out: 2.5 },
    );
    assert.equal(k2?.status, "retired");
    assert.equal(models.find((model) => model.id === "kimi-k2.6")?.status, "recommended");
  });

  it("models --refresh merges GET /v1/models: models the account lacks are marked unavailable", async () => {
    const state = temp.make();
    emu.clearRequests();
    const run = await runCli(["models", "--refresh", "--json"], { env: env(state) });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(
      emu.requests.some((request) => request.method === "GET" && request.path === "/v1/models"),
    );
    const models = JSON.parse(run.stdout) as { id: string; available: boolean | null }[];
    const available = models
      .filter((model) => model.available === true)
      .map((model) => model.id)
      .sort();
    assert.deepEqual(available, ["kimi-k2-0905-preview", "kimi-k2.6", "moonshot-v1-8k"]);
    assert.equal(models.find((model) => model.id === "kimi-k2.5")?.available, false);
    const table = await runCli(["models", "--refresh", "--wide"], { env: env(state) });
    assert.match(table.stdout, /^kimi-k2\.5\s.*\sno$/m);
  });

  it("tokens estimates TEXT, -f PATH and stdin, and says which windows it fits", async () => {
    const dir = temp.make();
    const file = join(dir, "text.txt");
    writeFileSync(file, "Hello world, how are you today?");
    const fromText = JSON.parse(
      (await runCli(["tokens", "--json", "Hello world, how are you today?"])).stdout,
    ) as {
      tokens: number;
      source: string;
      models: { id: string; context_window: number; fits: boolean }[];
    };
    assert.equal(fromText.source, "local");
    assert.ok(fromText.tokens > 5 && fromText.tokens < 30);
    assert.ok(fromText.models.every((model) => model.fits));
    const fromFile = JSON.parse((await runCli(["tokens", "--json", "-f", file])).stdout) as {
      tokens: number;
      extracted_by: string;
    };
    // The file's text as `chat -f` sends it (extracted, in a system message): test/cli/tokens-file.test.ts.
    assert.equal(fromFile.extracted_by, "emulator");
    assert.ok(fromFile.tokens > fromText.tokens);
    const fromStdin = JSON.parse(
      (await runCli(["tokens", "--json", "-"], { stdin: "Hello world, how are you today?" }))
        .stdout,
    ) as {
      tokens: number;
    };
    assert.equal(fromStdin.tokens, fromText.tokens);
    const big = "word ".repeat(20_000);
    const small = await runCli(["tokens", "-m", "moonshot-v1-8k", "-"], { stdin: big });
    assert.equal(small.code, 0, small.stderr);
    assert.match(small.stdout, /^moonshot-v1-8k\s+8,192\s+no \(over by [\d,]+\)$/m);
    const unknown = await runCli(["tokens", "-m", "gpt-4", "hi"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /usage error \(--model\)/);
  });

  it("tokens: Ctrl-C while stdin is still being read exits 130 and prints no estimate", async () => {
    // 1 MB does not fit in the pipe: once the write completes the CLI is reading stdin.
    const run = await runCli(["tokens", "--json", "-"], {
      keepStdinOpen: true,
      onSpawn: (child) => {
        child.stdin?.write("word ".repeat(200_000), () => child.kill("SIGINT"));
      },
    });
    assert.equal(run.code, 130, run.stderr);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /interrupted/);
  });

  it("cost prices tokens from the catalog; bad or missing flags exit 2", async () => {
    const json = await runCli([
      "cost",
      "-m",
      "kimi-k2-0905-preview",
      "--input",
      "1000000",
      "--output",
      "1000000",
      "--cached",
      "500000",
      "--json",
    ]);
    assert.equal(json.code, 0, json.stderr);
    // 0.5M cached at $0.15 + 0.5M uncached at $0.60, 1M output at $2.50.
    assert.deepEqual(JSON.parse(json.stdout), {
      model: "kimi-k2-0905-preview",
      input: 0.375,
      output: 2.5,
      total: 2.875,
    });
    const human = await runCli([
      "cost",
      "-m",
      "kimi-k2-0905-preview",
      "--input",
      "1000",
      "--output",
      "500",
    ]);
    assert.match(human.stdout, /total\s+\$0\.001850/);
    const missing = await runCli(["cost", "-m", "kimi-k2-0905-preview", "--output", "5"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /usage error \(--input\)/);
    const tooMany = await runCli([
      "cost",
      "-m",
      "kimi-k2-0905-preview",
      "--input",
      "5",
      "--output",
      "5",
      "--cached",
      "6",
    ]);
    assert.equal(tooMany.code, 2);
    assert.match(tooMany.stderr, /usage error \(--cached\)/);
    // kimi-k3 is priced since September 2026: 5 tokens at $3.00 in, 5 at $15.00 out.
    const k3 = await runCli(["cost", "-m", "kimi-k3", "--input", "5", "--output", "5", "--json"]);
    assert.deepEqual(JSON.parse(k3.stdout), {
      model: "kimi-k3",
      input: 0.000015,
      output: 0.000075,
      total: 0.00009,
    });
  });

  it("balance reads GET /users/me/balance (USD off the .cn host)", async () => {
    const state = temp.make();
    emu.setBalance({ cash: 3.5, voucher: 1.25 });
    const run = await runCli(["balance", "--json"], { env: env(state) });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), {
      available_balance: 4.75,
      voucher_balance: 1.25,
      cash_balance: 3.5,
      currency: "USD",
    });
    const human = await runCli(["balance"], { env: env(state) });
    assert.equal(human.stdout, "available 4.75 USD (cash 3.50 USD, voucher 1.25 USD)\n");
  });

  it("usage totals every chat in the ledger (state.db), --reset starts over", async () => {
    const state = temp.make();
    const first = JSON.parse(
      (await runCli(["chat", "--json", "First question"], { env: env(state) })).stdout,
    ) as {
      usage: { prompt_tokens: number; completion_tokens: number };
      cost_usd: { total: number };
    };
    const second = JSON.parse(
      (await runCli(["chat", "--json", "Second question"], { env: env(state) })).stdout,
    ) as {
      usage: { prompt_tokens: number; completion_tokens: number };
      cost_usd: { total: number };
    };
    const run = await runCli(["usage", "--json"], { env: env(state) });
    assert.equal(run.code, 0, run.stderr);
    const ledger = JSON.parse(run.stdout) as {
      requests: number;
      promptTokens: number;
      completionTokens: number;
      costUsd: number;
      byModel: Record<string, { requests: number }>;
    };
    assert.equal(ledger.requests, 2);
    assert.equal(ledger.promptTokens, first.usage.prompt_tokens + second.usage.prompt_tokens);
    assert.equal(
      ledger.completionTokens,
      first.usage.completion_tokens + second.usage.completion_tokens,
    );
    assert.equal(
      ledger.costUsd,
      Math.round((first.cost_usd.total + second.cost_usd.total) * 1e12) / 1e12,
    );
    assert.equal(ledger.byModel["kimi-k2.6"]?.requests, 2);
    assert.deepEqual(
      readdirSync(state).filter((name) => !/^state\.db(-wal|-shm)?$/.test(name)),
      [],
      "nothing but the database (no temporary or lock file)",
    );
    const human = await runCli(["usage"], { env: env(state) });
    assert.match(human.stdout, /: 2 requests to the service\n/);
    const reset = await runCli(["usage", "--reset"], { env: env(state) });
    assert.equal(reset.code, 0);
    const after = JSON.parse((await runCli(["usage", "--json"], { env: env(state) })).stdout) as {
      requests: number;
    };
    assert.equal(after.requests, 0);
    writeFileSync(join(state, "state.db"), "{not a database");
    const damaged = await runCli(["usage"], { env: env(state) });
    assert.equal(damaged.code, 1);
    assert.match(
      damaged.stderr,
      /StateError \(state_corrupt\): The local state database .* is damaged/,
    );
  });

  it("without KIMI_API_KEY, chat answers from the in-process emulator and says so in one line", async () => {
    const state = temp.make();
    const run = await runCli(["chat", "--summary", "Hello there"], {
      env: { KIMI_STATE_DIR: state, HOME: state },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.trim().length > 0);
    const lines = run.stderr.split("\n");
    assert.equal(lines[0], "no KIMI_API_KEY: answering from the local emulator");
    // Then kimi-k2.6's reasoning, and the summary as the last line.
    assert.equal(lines.at(-1), "");
    assert.match(lines.at(-2) ?? "", /^kimi-k2\.6: \d+ prompt tokens/);
    const balance = await runCli(["balance", "--json"], {
      env: { KIMI_STATE_DIR: state, HOME: state },
    });
    assert.equal(balance.code, 0, balance.stderr);
    assert.equal((JSON.parse(balance.stdout) as { currency: string }).currency, "USD");
  });

  it("emulator runs until SIGINT, prints its base URL, and serves requests", async () => {
    let baseURL = "";
    let seen = "";
    let answered: Promise<number> | undefined;
    const run = await runCli(["emulator", "--port", "0"], {
      onStdout: (chunk, child) => {
        seen += chunk;
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(seen);
        if (match?.[1] && !answered) {
          baseURL = match[1];
          answered = fetch(`${baseURL}/models`, {
            headers: { authorization: "Bearer sk-any" },
          }).then((response) => {
            child.kill("SIGINT");
            return response.status;
          });
        }
      },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(await answered, 200);
    assert.match(run.stdout, new RegExp(`export KIMI_BASE_URL=${baseURL.replace(/\./g, "\\.")}`));
    assert.match(run.stderr, /emulator stopped/);
    const badPort = await runCli(["emulator", "--port", "99999"]);
    assert.equal(badPort.code, 2);
    assert.match(badPort.stderr, /usage error \(--port\)/);
  });

  it("emulator --lineup, --api-key, --rpm: the 2025 models answer, the key is required, the limit holds", async () => {
    const key = "sk-emulator-flag-test-0123";
    let seen = "";
    let checks: Promise<void> | undefined;
    const results: Record<string, unknown> = {};
    const run = await runCli(
      ["emulator", "--port", "0", "--lineup", "2025-10", "--api-key", key, "--rpm", "1"],
      {
        onStdout: (chunk, child) => {
          seen += chunk;
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(seen);
          if (!match?.[1] || checks) return;
          const base = match[1];
          const post = (model: string, auth: string) =>
            fetch(`${base}/chat/completions`, {
              method: "POST",
              headers: { authorization: auth, "content-type": "application/json" },
              body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
            });
          checks = (async () => {
            results.noKey = (await post("kimi-k2-0905-preview", "Bearer sk-other")).status;
            const models = (await (
              await fetch(`${base}/models`, { headers: { authorization: `Bearer ${key}` } })
            ).json()) as { data: { id: string }[] };
            results.models = models.data.map((model) => model.id);
            results.k2 = (await post("kimi-k2-0905-preview", `Bearer ${key}`)).status;
            const limited = await post("moonshot-v1-8k", `Bearer ${key}`);
            results.limited = [limited.status, limited.headers.get("retry-after")];
          })().finally(() => child.kill("SIGINT"));
        },
      },
    );
    await checks;
    assert.equal(run.code, 0, run.stderr);
    assert.equal(results.noKey, 401);
    assert.ok((results.models as string[]).includes("moonshot-v1-8k"));
    assert.equal((results.models as string[]).includes("kimi-k2.6"), false);
    assert.equal(results.k2, 200);
    assert.equal((results.limited as unknown[])[0], 429);
    assert.match(String((results.limited as unknown[])[1]), /^\d+$/);
    assert.match(run.stdout, /^Lineup 2025-10: kimi-k2-0905-preview, /m);
    assert.match(run.stdout, /^Limits: 1 requests\/min$/m);
    // The key is never printed.
    assert.equal(run.stdout.includes(key), false);
    assert.equal(run.stderr.includes(key), false);
  });

  it("emulator flags with bad values exit 2 with a message naming the flag", async () => {
    const cases: [string[], RegExp][] = [
      [
        ["--lineup", "2024-01"],
        /--lineup "2024-01" is not a lineup: valid lineups are 2026-09, 2025-10 \(default 2026-09\)/,
      ],
      [
        ["--rpm", "0"],
        /usage error \(--rpm\)[\s\S]*--rpm "0" is invalid: use a whole number of requests per minute from 1 up/,
      ],
      [["--tpm", "lots"], /usage error \(--tpm\)/],
      [["--concurrency", "1.5"], /usage error \(--concurrency\)/],
      [["--chunk-delay", "-5"], /usage error \(--chunk-delay\)/],
      [["--api-key", ""], /usage error \(--api-key\)[\s\S]*needs a key without spaces/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(["emulator", "--port", "0", ...args]);
      assert.equal(run.code, 2, args.join(" "));
      assert.match(run.stderr, message, args.join(" "));
      assert.equal(run.stdout, "", args.join(" "));
    }
  });
});
