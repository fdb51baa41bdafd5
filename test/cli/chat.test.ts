/**
 * `kimi-provider chat` end to end: the built CLI as a child process against the emulator.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { runCli, TempDirs } from "./run-cli.ts";

const KEY = "sk-cli-test-secret-0123456789";

describe("kimi-provider chat", () => {
  let emu: RunningEmulator;
  /** The 2025 lineup, for moonshot-v1's temperature range and usage shape. */
  let emu2025: RunningEmulator;
  const temp = new TempDirs();
  let state: string;
  const env = (server: RunningEmulator = emu) => ({
    KIMI_API_KEY: KEY,
    KIMI_BASE_URL: server.baseURL,
    KIMI_STATE_DIR: state,
    HOME: state,
  });
  const chatBodies = (server: RunningEmulator = emu) =>
    server.requests
      .filter((request) => request.method === "POST" && request.path === "/v1/chat/completions")
      .map((request) => request.body as Record<string, unknown>);

  before(async () => {
    emu = await startEmulator({ apiKey: KEY, seed: 7 });
    emu2025 = await startEmulator({ apiKey: KEY, seed: 7, lineup: "2025-10" });
    state = temp.make();
  });
  after(async () => {
    await emu.close();
    await emu2025.close();
    temp.cleanup();
  });

  it("streams the answer for a prompt given as arguments and sends it as one user message", async () => {
    emu.clearRequests();
    // The default model (kimi-k2.6) thinks; its reasoning would go to stderr.
    const run = await runCli(["chat", "--hide-reasoning", "Say", "hello"], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.length > 10);
    assert.ok(run.stdout.endsWith("\n"));
    assert.equal(run.stderr, "");
    const [body] = chatBodies();
    assert.equal(body?.stream, true);
    assert.equal(body?.model, "kimi-k2.6");
    assert.deepEqual(body?.messages, [{ role: "user", content: "Say hello" }]);
  });

  it("reads the prompt from stdin when none is given, and for `-`", async () => {
    for (const args of [["chat"], ["chat", "-"]]) {
      emu.clearRequests();
      const run = await runCli(args, { env: env(), stdin: "What is 2+2?\n" });
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(chatBodies()[0]?.messages, [{ role: "user", content: "What is 2+2?\n" }]);
    }
  });

  it("an empty prompt is a usage error (exit 2) and sends nothing", async () => {
    emu.clearRequests();
    const run = await runCli(["chat"], { env: env(), stdin: "  \n" });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /usage error \(PROMPT\)/);
    assert.equal(chatBodies().length, 0);
  });

  it("--json prints exactly one object with the contract's fields, and sends -m, -s, --temperature, --max-tokens", async () => {
    emu2025.clearRequests();
    const run = await runCli(
      [
        "chat",
        "--json",
        "-m",
        "moonshot-v1-8k",
        "-s",
        "Be brief.",
        "--temperature",
        "0.2",
        "--max-tokens",
        "300",
        "Hi",
      ],
      { env: env(emu2025) },
    );
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(out), [
      "model",
      "content",
      "reasoning_content",
      "tool_calls",
      "finish_reason",
      "usage",
      "cost_usd",
    ]);
    assert.equal(out.model, "moonshot-v1-8k");
    assert.equal(typeof out.content, "string");
    assert.equal(out.reasoning_content, null);
    assert.deepEqual(out.tool_calls, []);
    assert.equal(out.finish_reason, "stop");
    const usage = out.usage as Record<string, number>;
    assert.deepEqual(Object.keys(usage), [
      "prompt_tokens",
      "completion_tokens",
      "total_tokens",
      "cached_tokens",
    ]);
    assert.equal(usage.total_tokens, (usage.prompt_tokens ?? 0) + (usage.completion_tokens ?? 0));
    const cost = out.cost_usd as Record<string, number>;
    assert.deepEqual(Object.keys(cost), ["input", "output", "total"]);
    // moonshot-v1-8k: $0.20 / $2.00 per million (catalog), no cache price; the library rounds
    // to 12 decimals so that decimal prices stay exact.
    const usd = (value: number) => Math.round(value * 1e12) / 1e12;
    assert.equal(cost.input, usd(((usage.prompt_tokens ?? 0) * 0.2) / 1e6));
    assert.equal(cost.output, usd(((usage.completion_tokens ?? 0) * 2) / 1e6));
    assert.equal(cost.total, usd((cost.input ?? 0) + (cost.output ?? 0)));
    const [body] = chatBodies(emu2025);
    assert.deepEqual(body?.messages, [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
    ]);
    assert.equal(body?.temperature, 0.2);
    assert.equal(body?.max_tokens, 300);
  });

  it("--no-stream sends a non-streamed request and prints the same kind of answer", async () => {
    emu.clearRequests();
    const run = await runCli(["chat", "--no-stream", "Hello"], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.trim().length > 0);
    assert.notEqual(chatBodies()[0]?.stream, true);
  });

  it("a thinking model's reasoning goes to stderr, the answer to stdout; --hide-reasoning drops it", async () => {
    const shown = await runCli(["chat", "-m", "kimi-k2.6", "Why is the sky blue?"], { env: env() });
    assert.equal(shown.code, 0, shown.stderr);
    const json = await runCli(["chat", "-m", "kimi-k2.6", "--json", "Why is the sky blue?"], {
      env: env(),
    });
    const parsed = JSON.parse(json.stdout) as { content: string; reasoning_content: string };
    assert.ok(parsed.reasoning_content.length > 0);
    assert.equal(shown.stdout, `${parsed.content}\n`);
    assert.ok(shown.stderr.includes(parsed.reasoning_content.trim()));
    const hidden = await runCli(
      ["chat", "-m", "kimi-k2.6", "--hide-reasoning", "Why is the sky blue?"],
      {
        env: env(),
      },
    );
    assert.equal(hidden.code, 0);
    assert.equal(hidden.stdout, shown.stdout);
    assert.equal(hidden.stderr, "");
  });

  it("--summary prints one line on stderr with tokens, cached share and cost", async () => {
    const run = await runCli(
      ["chat", "--summary", "--hide-reasoning", "-m", "kimi-k2.6", "Tell me a fact"],
      { env: env() },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr,
      /^kimi-k2\.6: \d+ prompt tokens \(\d+% cached\) \+ \d+ completion = \d+ tokens, \$\d+\.\d+\n$/,
    );
  });

  it("--tools declares the tools and prints the requested calls (--json: assembled arguments)", async () => {
    const dir = temp.make();
    const tools = join(dir, "tools.json");
    writeFileSync(
      tools,
      JSON.stringify([
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Weather of a city",
            parameters: {
              type: "object",
              properties: { city: { type: "string" } },
              required: ["city"],
            },
          },
        },
      ]),
    );
    emu.clearRequests();
    const run = await runCli(["chat", "--tools", tools, "Use get_weather for Paris"], {
      env: env(),
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^\[tool call get_weather_0\] get_weather\(\{.*"city".*\}\)$/m);
    assert.deepEqual(chatBodies()[0]?.tools, JSON.parse(readFileSync(tools, "utf8")));
    const json = await runCli(["chat", "--json", "--tools", tools, "Use get_weather for Paris"], {
      env: env(),
    });
    const parsed = JSON.parse(json.stdout) as {
      finish_reason: string;
      tool_calls: { id: string; type: string; function: { name: string; arguments: string } }[];
    };
    assert.equal(parsed.finish_reason, "tool_calls");
    assert.equal(parsed.tool_calls.length, 1);
    assert.equal(parsed.tool_calls[0]?.id, "get_weather_0");
    assert.equal(parsed.tool_calls[0]?.function.name, "get_weather");
    assert.equal(
      typeof (JSON.parse(parsed.tool_calls[0]?.function.arguments ?? "") as { city: unknown }).city,
      "string",
    );
  });

  it("a --tools file that is not a JSON array of tools is a usage error naming --tools", async () => {
    const dir = temp.make();
    const bad = join(dir, "bad.json");
    writeFileSync(bad, '{"name":"x"}');
    const run = await runCli(["chat", "--tools", bad, "hi"], { env: env() });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /usage error \(--tools\)/);
  });

  it("-f uploads the file, puts its text in a system message and deletes it afterwards", async () => {
    const dir = temp.make();
    const notes = join(dir, "notes.txt");
    writeFileSync(notes, "The launch code is PURPLE-42.");
    emu.clearRequests();
    const run = await runCli(["chat", "-f", notes, "What is the launch code?"], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    const upload = emu.requests.find(
      (request) => request.method === "POST" && request.path === "/v1/files",
    );
    assert.deepEqual(upload?.body, { purpose: "file-extract", filename: "notes.txt", bytes: 29 });
    const messages = chatBodies()[0]?.messages as { role: string; content: string }[];
    assert.equal(messages.length, 2);
    assert.equal(messages[0]?.role, "system");
    assert.ok(messages[0]?.content.includes("PURPLE-42"));
    const deletes = emu.requests.filter((request) => request.method === "DELETE");
    assert.equal(deletes.length, 1);
    const list = (await (
      await fetch(`${emu.baseURL}/files`, { headers: { authorization: `Bearer ${KEY}` } })
    ).json()) as { data: unknown[] };
    assert.deepEqual(list.data, []);
  });

  it("a missing -f file is a usage error (exit 2) and uploads nothing", async () => {
    emu.clearRequests();
    const run = await runCli(["chat", "-f", "/nonexistent/file.txt", "hi"], { env: env() });
    assert.equal(run.code, 2, run.stderr);
    assert.equal(emu.requests.length, 0);
  });

  it("a refused key exits 1 and says to check KIMI_API_KEY, without printing either key", async () => {
    const wrong = "sk-wrong-key-abcdef0123456789";
    const run = await runCli(["chat", "hi"], { env: { ...env(), KIMI_API_KEY: wrong } });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /AuthenticationError \(authentication_failed, HTTP 401\)/);
    assert.match(run.stderr, /KIMI_API_KEY/);
    assert.ok(!run.stderr.includes(wrong) && !run.stdout.includes(wrong));
    assert.ok(!run.stderr.includes(KEY));
  });

  it("a stream cut by the service exits 1 naming the truncated stream", async () => {
    emu.inject({ kind: "cut", afterChunks: 3, path: "/v1/chat/completions" });
    const run = await runCli(["chat", "Tell me a story"], { env: env() });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /StreamTruncatedError \(stream_truncated\)/);
  });

  it("an invalid KIMI_TEMPERATURE exits 2 naming the variable, and sends nothing", async () => {
    emu.clearRequests();
    const run = await runCli(["chat", "hi"], { env: { ...env(), KIMI_TEMPERATURE: "1.5" } });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /configuration error \(KIMI_TEMPERATURE\)/);
    assert.equal(emu.requests.length, 0);
  });

  it("an invalid --temperature or --max-tokens exits 2 naming the flag", async () => {
    const temperature = await runCli(["chat", "--temperature", "high", "hi"], { env: env() });
    assert.equal(temperature.code, 2);
    assert.match(temperature.stderr, /usage error \(--temperature\)/);
    const maxTokens = await runCli(["chat", "--max-tokens", "0", "hi"], { env: env() });
    assert.equal(maxTokens.code, 2);
    assert.match(maxTokens.stderr, /usage error \(--max-tokens\)/);
    const unknown = await runCli(["chat", "--colour", "hi"], { env: env() });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /usage error \(--colour\)/);
  });

  it("--verbose shows the request with the key redacted, and never the key", async () => {
    const run = await runCli(["chat", "--verbose", "hi"], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^> POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions$/m);
    assert.match(run.stderr, /^> Authorization: Bearer \[REDACTED\]$/m);
    assert.match(run.stderr, /^< 200 POST /m);
    assert.ok(!run.stderr.includes(KEY) && !run.stdout.includes(KEY));
    const failed = await runCli(["--verbose", "chat", "hi"], {
      env: { ...env(), KIMI_API_KEY: "sk-other-9876543210abc" },
    });
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /^< 401 POST /m);
    assert.ok(!failed.stderr.includes("sk-other-9876543210abc"));
  });

  it("Ctrl-C mid-stream exits 130 and deletes the -f file on the service", async () => {
    const dir = temp.make();
    const doc = join(dir, "doc.txt");
    writeFileSync(doc, "A document about interruptions.");
    emu.clearRequests();
    emu.inject({ kind: "slow-stream", ms: 300, path: "/v1/chat/completions" });
    let sent = false;
    const run = await runCli(["chat", "-f", doc, "Summarize the document"], {
      env: env(),
      onStdout: (_chunk, child) => {
        if (!sent) {
          sent = true;
          child.kill("SIGINT");
        }
      },
    });
    assert.ok(sent, "the answer started streaming");
    assert.equal(run.code, 130, run.stderr);
    assert.match(run.stderr, /interrupted; the uploaded file was deleted/);
    const uploaded = emu.requests.find(
      (request) => request.method === "POST" && request.path === "/v1/files",
    );
    assert.ok(uploaded);
    const deletes = emu.requests.filter(
      (request) => request.method === "DELETE" && request.path.startsWith("/v1/files/"),
    );
    assert.equal(deletes.length, 1);
    assert.equal(deletes[0]?.status, 200);
    const list = (await (
      await fetch(`${emu.baseURL}/files`, { headers: { authorization: `Bearer ${KEY}` } })
    ).json()) as { data: unknown[] };
    assert.deepEqual(list.data, []);
  });
});
