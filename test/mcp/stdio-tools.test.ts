/**
 * `kimi-provider mcp` on stdio, driven by the MCP SDK's own Client against the emulator (with a
 * key): the tools, their schemas and results, conversations, files, roots, the budget, retries,
 * and the key never appearing anywhere.
 */
import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { estimatePromptTokens } from "../../src/tokens/local-estimator.ts";
import { TempDirs } from "../cli/run-cli.ts";
import { tinyPdf } from "../emulator/helpers.ts";
import { callTool, chatRequests, connectStdio, type McpConnection, resultText } from "./helpers.ts";

const KEY = "sk-mcp-test-key-0123456789abcdef";

interface ChatOut {
  demo: boolean;
  model: string;
  content: string;
  reasoning_content: string | null;
  finish_reason: string;
  conversation_id: string;
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    cached_tokens: number;
    reasoning_tokens: number | null;
  };
  cost_usd: { input: number | null; output: number | null; total: number | null };
  session_cost_usd: number;
  files: { path: string; file_id: string; bytes: number; deleted: boolean }[];
}

describe("kimi-provider mcp (stdio, with a key)", () => {
  let emu: RunningEmulator;
  const temp = new TempDirs();
  let state: string;
  let allowed: string;
  let outside: string;
  let mcp: McpConnection;
  const seen: string[] = [];
  const env = () => ({
    KIMI_API_KEY: KEY,
    KIMI_BASE_URL: emu.baseURL,
    KIMI_STATE_DIR: state,
    HOME: state,
  });
  const accountFiles = async (): Promise<unknown[]> =>
    (
      (await (
        await fetch(`${emu.baseURL}/files`, { headers: { authorization: `Bearer ${KEY}` } })
      ).json()) as { data: unknown[] }
    ).data;
  const call = async (name: string, args: Record<string, unknown>) => {
    const result = await callTool(mcp.client, name, args);
    seen.push(JSON.stringify(result));
    return result;
  };

  before(async () => {
    emu = await startEmulator({ apiKey: KEY });
    state = temp.make();
    allowed = temp.make("kimi-mcp-allowed-");
    outside = temp.make("kimi-mcp-outside-");
    writeFileSync(join(allowed, "notes.md"), "# Notes\nThe launch is on Tuesday.");
    writeFileSync(join(allowed, "report.pdf"), tinyPdf("Quarterly revenue grew"));
    writeFileSync(join(allowed, "program.exe"), "MZ binary");
    writeFileSync(join(outside, "secret.txt"), "outside the roots");
    symlinkSync(join(outside, "secret.txt"), join(allowed, "escape.txt"));
    mkdirSync(join(allowed, "sub"));
    mcp = await connectStdio(["--allow-dir", allowed], env());
  });
  after(async () => {
    await mcp.close();
    await emu.close();
    // The key never appears in any result or in the server's stderr.
    assert.ok(seen.length > 0);
    for (const output of [...seen, mcp.stderr()]) assert.ok(!output.includes(KEY), output);
    temp.cleanup();
  });

  it("lists the five tools with input and output schemas", async () => {
    const { tools } = await mcp.client.listTools();
    assert.deepEqual(
      tools.map((tool) => tool.name),
      ["kimi_chat", "kimi_analyze_files", "kimi_models", "kimi_usage", "kimi_estimate_tokens"],
    );
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    const chat = byName.get("kimi_chat");
    assert.deepEqual(chat?.inputSchema.required, ["prompt"]);
    assert.deepEqual(Object.keys(chat?.inputSchema.properties ?? {}).sort(), [
      "conversation_id",
      "files",
      "include_reasoning",
      "max_tokens",
      "model",
      "prompt",
      "system",
      "thinking",
    ]);
    assert.deepEqual(byName.get("kimi_analyze_files")?.inputSchema.required, ["paths", "question"]);
    for (const tool of tools) {
      assert.ok((tool.description ?? "").length > 80, tool.name);
      assert.equal(tool.outputSchema?.type, "object", tool.name);
      assert.ok(Object.hasOwn(tool.outputSchema?.properties ?? {}, "demo"), tool.name);
    }
    // With a key: the instructions say nothing about a demo.
    assert.ok(!(mcp.client.getInstructions() ?? "").includes("DEMO"));
  });

  it("kimi_chat answers with text, usage and cost, and sends what was asked", async () => {
    emu.clearRequests();
    const result = await call("kimi_chat", {
      prompt: "Name three colours",
      model: "kimi-k2.6",
      thinking: false,
      max_tokens: 500,
    });
    assert.equal(result.isError, undefined);
    const out = result.structuredContent as unknown as ChatOut;
    assert.equal(out.demo, false);
    assert.equal(out.model, "kimi-k2.6");
    assert.equal(out.finish_reason, "stop");
    assert.equal(out.reasoning_content, null);
    assert.match(out.conversation_id, /^conv_[0-9a-f]{32}$/);
    assert.ok(out.content.length > 0);
    assert.ok(resultText(result).includes(out.content));
    assert.ok(!resultText(result).includes("[DEMO]"));
    // kimi-k2.6: $0.95 per 1M uncached input, $4 per 1M output.
    const { usage, cost_usd: cost } = out;
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
    assert.equal(cost.input, Math.round(usage.prompt_tokens * 0.95 * 1e6) / 1e12);
    assert.equal(cost.output, Math.round(usage.completion_tokens * 4 * 1e6) / 1e12);
    const sent = chatRequests(emu);
    assert.equal(sent.length, 1);
    const body = sent[0]?.body as Record<string, unknown>;
    assert.equal(body.model, "kimi-k2.6");
    assert.equal(body.stream, true);
    assert.equal(body.max_tokens, 500);
    assert.deepEqual(body.thinking, { type: "disabled" });
    assert.deepEqual(body.messages, [{ role: "user", content: "Name three colours" }]);
  });

  it("kimi_chat returns the reasoning only when asked", async () => {
    const result = await call("kimi_chat", {
      prompt: "Think about it",
      model: "kimi-k3",
      include_reasoning: true,
    });
    const out = result.structuredContent as unknown as ChatOut;
    assert.equal(out.model, "kimi-k3");
    assert.ok(typeof out.reasoning_content === "string" && out.reasoning_content.length > 0);
    assert.ok(resultText(result).includes(`Reasoning:\n${out.reasoning_content}`));
    const quiet = await call("kimi_chat", { prompt: "Think about it", model: "kimi-k3" });
    assert.equal((quiet.structuredContent as unknown as ChatOut).reasoning_content, null);
    assert.ok(!resultText(quiet).includes("Reasoning:"));
  });

  it("continues a conversation: the second request carries the first turn", async () => {
    const first = await call("kimi_chat", {
      prompt: "My name is Ada.",
      system: "Be brief.",
      model: "kimi-k2.6",
    });
    const one = first.structuredContent as unknown as ChatOut;
    emu.clearRequests();
    const second = await call("kimi_chat", {
      prompt: "What is my name?",
      conversation_id: one.conversation_id,
    });
    const two = second.structuredContent as unknown as ChatOut;
    assert.equal(two.conversation_id, one.conversation_id);
    assert.equal(two.model, "kimi-k2.6");
    const body = chatRequests(emu)[0]?.body as { model: string; messages: unknown[] };
    assert.equal(body.model, "kimi-k2.6");
    assert.deepEqual(body.messages, [
      { role: "system", content: "Be brief." },
      { role: "user", content: "My name is Ada." },
      { role: "assistant", content: one.content },
      { role: "user", content: "What is my name?" },
    ]);
    // A system prompt cannot be changed mid-conversation.
    emu.clearRequests();
    const refused = await call("kimi_chat", {
      prompt: "Hi",
      system: "Be long.",
      conversation_id: one.conversation_id,
    });
    assert.equal(refused.isError, true);
    assert.match(resultText(refused), /InvalidRequestError \(invalid_request\): system can only/);
    assert.equal(chatRequests(emu).length, 0);
  });

  it("an unknown conversation id is a tool error, and nothing is sent", async () => {
    emu.clearRequests();
    const result = await call("kimi_chat", { prompt: "Hi", conversation_id: "conv_nope" });
    assert.equal(result.isError, true);
    assert.equal(
      resultText(result),
      'kimi_chat failed: InvalidRequestError (invalid_request): Unknown or expired conversation_id "conv_nope": conversations are kept in this server\'s memory for 30 minutes after their last turn (at most 100 at a time) and are lost when it restarts. Omit conversation_id to start a new conversation.',
    );
    assert.equal(emu.requests.length, 0);
  });

  it("kimi_analyze_files uploads, answers from the text, and deletes the files", async () => {
    emu.clearRequests();
    const progress: string[] = [];
    const result = (await mcp.client.callTool(
      {
        name: "kimi_analyze_files",
        arguments: {
          paths: [join(allowed, "notes.md"), join(allowed, "report.pdf")],
          question: "When is the launch?",
          model: "kimi-k2.6",
        },
      },
      undefined,
      { onprogress: (p) => progress.push(p.message ?? "") },
    )) as Parameters<typeof resultText>[0];
    seen.push(JSON.stringify(result));
    assert.equal(result.isError, undefined, resultText(result));
    const out = result.structuredContent as {
      answer: string;
      files: ChatOut["files"];
      model: string;
    };
    assert.equal(out.model, "kimi-k2.6");
    assert.deepEqual(
      out.files.map((f) => [f.path, f.deleted]),
      [
        [join(allowed, "notes.md"), true],
        [join(allowed, "report.pdf"), true],
      ],
    );
    assert.ok(progress.includes("uploading 2 file(s) for extraction"), progress.join("|"));
    assert.ok(progress.includes("files extracted; kimi-k2.6 is answering"), progress.join("|"));
    const chat = chatRequests(emu)[0]?.body as { messages: { role: string; content: string }[] };
    assert.equal(chat.messages.length, 3);
    assert.match(chat.messages[0]?.content ?? "", /The launch is on Tuesday/);
    assert.match(chat.messages[1]?.content ?? "", /Quarterly revenue grew/);
    assert.deepEqual(chat.messages[2], { role: "user", content: "When is the launch?" });
    const deletes = emu.requests.filter((r) => r.method === "DELETE");
    assert.deepEqual(
      deletes.map((r) => r.path).sort(),
      out.files.map((f) => `/v1/files/${f.file_id}`).sort(),
    );
    assert.deepEqual(await accountFiles(), []);
  });

  it("kimi_chat with files puts their text in front and keeps it in the conversation", async () => {
    emu.clearRequests();
    const result = await call("kimi_chat", {
      prompt: "Summarize",
      files: [join(allowed, "notes.md")],
      model: "kimi-k2.6",
    });
    const out = result.structuredContent as unknown as ChatOut;
    assert.equal(out.files.length, 1);
    assert.equal(out.files[0]?.deleted, true);
    emu.clearRequests();
    await call("kimi_chat", { prompt: "And again?", conversation_id: out.conversation_id });
    const body = chatRequests(emu)[0]?.body as { messages: { role: string; content: string }[] };
    assert.equal(body.messages.length, 4);
    assert.equal(body.messages[0]?.role, "system");
    assert.match(body.messages[0]?.content ?? "", /The launch is on Tuesday/);
    assert.deepEqual(
      body.messages.slice(1).map((m) => m.role),
      ["user", "assistant", "user"],
    );
    assert.deepEqual(await accountFiles(), []);
  });

  it("refuses files outside the roots, symlinks escaping them, and unsupported types; sends nothing", async () => {
    emu.clearRequests();
    const cases: [string, RegExp][] = [
      [join(outside, "secret.txt"), /is outside the allowed directories/],
      [join(allowed, "escape.txt"), /is outside the allowed directories/],
      [join(allowed, "..", "kimi-mcp-outside-x", "a.txt"), /is outside the allowed directories/],
      [join(allowed, "program.exe"), /its type is not one Kimi can read/],
      [join(allowed, "missing.txt"), /no such file/],
      [join(allowed, "sub"), /it is a directory/],
    ];
    for (const [path, message] of cases) {
      const result = await call("kimi_analyze_files", { paths: [path], question: "What?" });
      assert.equal(result.isError, true, path);
      const text = resultText(result);
      assert.ok(text.startsWith("kimi_analyze_files failed: FileValidationError (invalid_file): "));
      assert.match(text, message);
    }
    const viaChat = await call("kimi_chat", { prompt: "Hi", files: [join(outside, "secret.txt")] });
    assert.equal(viaChat.isError, true);
    assert.equal(emu.requests.length, 0);
  });

  it("kimi_models lists the live lineup, retired models only when asked (marked)", async () => {
    emu.clearRequests();
    const result = await call("kimi_models", {});
    const out = result.structuredContent as {
      live: boolean;
      default_model: string;
      models: {
        id: string;
        status: string;
        available: boolean | null;
        context_window: number;
        retired_on: string | null;
        successor: string | null;
        pricing_usd_per_million_tokens: Record<string, number | null>;
      }[];
    };
    assert.equal(out.live, true);
    assert.equal(out.default_model, "kimi-k2.6");
    assert.deepEqual(
      out.models.map((m) => [m.id, m.available, m.context_window]),
      [
        ["kimi-k2.6", true, 262_144],
        ["kimi-k3", true, 1_048_576],
        ["kimi-k2.7-code", true, 262_144],
        ["kimi-k2.7-code-highspeed", true, 262_144],
      ],
    );
    assert.deepEqual(out.models[1]?.pricing_usd_per_million_tokens, {
      input_cache_hit: 0.3,
      input_cache_miss: 3,
      output: 15,
    });
    assert.deepEqual(
      emu.requests.map((r) => `${r.method} ${r.path}`),
      ["GET /v1/models"],
    );
    const all = (await call("kimi_models", { include_retired: true }))
      .structuredContent as typeof out;
    const retired = all.models.find((m) => m.id === "kimi-k2-0905-preview");
    assert.deepEqual(
      retired && [retired.status, retired.available, retired.retired_on, retired.successor],
      ["retired", false, "2026-05-25", "kimi-k2.6"],
    );
  });

  it("kimi_estimate_tokens: a text, a text file and a PDF (extracted, then deleted)", async () => {
    emu.clearRequests();
    const text = "How many tokens is this sentence? ".repeat(20);
    const result = await call("kimi_estimate_tokens", { text, model: "kimi-k3", max_tokens: 1000 });
    const out = result.structuredContent as {
      tokens: number;
      fits: boolean;
      tokens_left: number;
      context_window: number;
      source: string;
      prompt_cost_usd: { uncached: number; cached: number };
      other_models: { id: string; fits: boolean }[];
    };
    const tokens = estimatePromptTokens([{ role: "user", content: text }]);
    assert.equal(out.tokens, tokens);
    assert.equal(out.source, "local-text");
    assert.equal(out.context_window, 1_048_576);
    assert.equal(out.fits, true);
    assert.equal(out.tokens_left, 1_048_576 - tokens - 1000);
    assert.equal(out.prompt_cost_usd.uncached, Math.round(tokens * 3 * 1e6) / 1e12);
    assert.equal(out.prompt_cost_usd.cached, Math.round(tokens * 0.3 * 1e6) / 1e12);
    assert.deepEqual(
      out.other_models.map((m) => m.id),
      ["kimi-k2.6", "kimi-k2.7-code", "kimi-k2.7-code-highspeed"],
    );
    assert.equal(emu.requests.length, 0);

    const md = (await call("kimi_estimate_tokens", { path: join(allowed, "notes.md") }))
      .structuredContent as typeof out;
    assert.equal(md.source, "local-text");
    assert.equal(
      md.tokens,
      estimatePromptTokens([{ role: "system", content: "# Notes\nThe launch is on Tuesday." }]),
    );
    assert.equal(emu.requests.length, 0);

    const pdf = (await call("kimi_estimate_tokens", { path: join(allowed, "report.pdf") }))
      .structuredContent as typeof out;
    assert.equal(pdf.source, "extracted");
    assert.ok(pdf.tokens > 0);
    assert.deepEqual(
      emu.requests.map((r) => `${r.method} ${r.path.replace(/file-[\w-]+|[0-9a-z]{20,}/g, "ID")}`),
      ["POST /v1/files", "GET /v1/files/ID/content", "DELETE /v1/files/ID"],
    );
    assert.deepEqual(await accountFiles(), []);

    const both = await call("kimi_estimate_tokens", { text: "a", path: join(allowed, "notes.md") });
    assert.equal(both.isError, true);
    assert.match(resultText(both), /Give exactly one of text or path/);
  });

  it("kimi_usage reports the session's tokens, cache hit rate and USD", async () => {
    const result = await call("kimi_usage", {});
    const out = result.structuredContent as {
      requests: number;
      prompt_tokens: number;
      cached_tokens: number;
      cache_hit_rate: number;
      cost_usd: number;
      by_model: Record<string, { requests: number }>;
      budget: { max_cost_usd: number | null; spent_usd: number; remaining_usd: number | null };
    };
    // Chats so far: 1 + 2 (reasoning) + 3 (conversation, the refused one not sent) + 1 analyze
    // + 2 chat-with-files.
    assert.equal(out.requests, 8);
    assert.equal(out.by_model["kimi-k3"]?.requests, 2);
    assert.equal(out.by_model["kimi-k2.6"]?.requests, 6);
    assert.equal(out.cache_hit_rate, out.cached_tokens / out.prompt_tokens);
    assert.ok(out.cached_tokens > 0, "the continued conversation hit the prompt cache");
    assert.deepEqual(out.budget, {
      max_cost_usd: null,
      spent_usd: out.cost_usd,
      remaining_usd: null,
    });
    assert.ok(out.cost_usd > 0);
  });
});

describe("kimi-provider mcp: MCP roots declared by the host", () => {
  let emu: RunningEmulator;
  const temp = new TempDirs();
  let mcp: McpConnection;
  let rootA: string;
  let rootB: string;
  let current: string[];

  before(async () => {
    emu = await startEmulator({ apiKey: KEY });
    const state = temp.make();
    rootA = temp.make("kimi-mcp-root-a-");
    rootB = temp.make("kimi-mcp-root-b-");
    writeFileSync(join(rootA, "a.txt"), "Alpha.");
    writeFileSync(join(rootB, "b.txt"), "Beta.");
    current = [pathToFileURL(rootA).href];
    mcp = await connectStdio(
      [],
      { KIMI_API_KEY: KEY, KIMI_BASE_URL: emu.baseURL, KIMI_STATE_DIR: state, HOME: state },
      { roots: () => current },
    );
  });
  after(async () => {
    await mcp.close();
    await emu.close();
    temp.cleanup();
  });

  it("reads under the host's roots only, and follows roots/list_changed", async () => {
    const a = await callTool(mcp.client, "kimi_estimate_tokens", { path: join(rootA, "a.txt") });
    assert.equal(a.isError, undefined, resultText(a));
    const b = await callTool(mcp.client, "kimi_estimate_tokens", { path: join(rootB, "b.txt") });
    assert.equal(b.isError, true);
    assert.match(resultText(b), /is outside the allowed directories/);

    current = [pathToFileURL(rootB).href];
    await mcp.client.sendRootsListChanged();
    // The notification is handled before the next request on the same ordered stream.
    const b2 = await callTool(mcp.client, "kimi_estimate_tokens", { path: join(rootB, "b.txt") });
    assert.equal(b2.isError, undefined, resultText(b2));
    const a2 = await callTool(mcp.client, "kimi_estimate_tokens", { path: join(rootA, "a.txt") });
    assert.equal(a2.isError, true);
    assert.equal(emu.requests.length, 0);
  });
});
