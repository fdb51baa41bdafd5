/**
 * `kimi-provider mcp` without KIMI_API_KEY: answers from the embedded emulator, and says so in
 * the instructions, in every tool result (text and structured, errors included) and on stderr;
 * stdout carries nothing but the protocol.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DEMO_NOTICE } from "../../src/mcp/tool-result.ts";
import { CLI, ensureBuilt, TempDirs } from "../cli/run-cli.ts";
import { callTool, connectStdio, type McpConnection } from "./helpers.ts";

describe("kimi-provider mcp without a key (demo mode)", () => {
  const temp = new TempDirs();
  let state: string;
  let dir: string;
  let mcp: McpConnection;

  before(async () => {
    state = temp.make();
    dir = temp.make("kimi-mcp-demo-");
    writeFileSync(join(dir, "a.txt"), "Demo document.");
    mcp = await connectStdio(["--allow-dir", dir], { KIMI_STATE_DIR: state, HOME: state });
  });
  after(async () => {
    await mcp.close();
    temp.cleanup();
  });

  it("says so in the instructions and on stderr", () => {
    assert.match(mcp.client.getInstructions() ?? "", /^DEMO MODE: no KIMI_API_KEY is set/);
    assert.match(mcp.stderr(), /no KIMI_API_KEY: answering from the local emulator\n/);
  });

  it("marks every tool result, text and structured, errors included", async () => {
    const calls: [string, Record<string, unknown>][] = [
      ["kimi_chat", { prompt: "Hello", model: "kimi-k2.6" }],
      ["kimi_analyze_files", { paths: [join(dir, "a.txt")], question: "What is it?" }],
      ["kimi_models", {}],
      ["kimi_usage", {}],
      ["kimi_estimate_tokens", { text: "Hello" }],
    ];
    for (const [name, args] of calls) {
      const result = await callTool(mcp.client, name, args);
      assert.equal(result.isError, undefined, name);
      assert.deepEqual(result.content[0], { type: "text", text: DEMO_NOTICE }, name);
      assert.equal((result.structuredContent as { demo: boolean }).demo, true, name);
    }
    const failed = await callTool(mcp.client, "kimi_chat", { prompt: "Hi", conversation_id: "x" });
    assert.equal(failed.isError, true);
    assert.deepEqual(failed.content[0], { type: "text", text: DEMO_NOTICE });
  });

  it("writes nothing but JSON-RPC messages on stdout", async () => {
    ensureBuilt();
    const child = spawn(process.execPath, [CLI, "mcp"], {
      env: { PATH: process.env.PATH ?? "", KIMI_STATE_DIR: state, HOME: state },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    const send = (message: unknown) => child.stdin.write(`${JSON.stringify(message)}\n`);
    send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "raw", version: "1" },
      },
    });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "kimi_chat", arguments: { prompt: "Hi", model: "kimi-k2.6" } },
    });
    const deadline = Date.now() + 15_000;
    while (!stdout.includes('"id":2') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.stdin.end();
    // Closing stdin stops the server.
    assert.equal(await exited, 0);
    const lines = stdout.split("\n").filter((line) => line !== "");
    assert.equal(lines.length, 2, stdout);
    for (const line of lines) {
      assert.equal((JSON.parse(line) as { jsonrpc: string }).jsonrpc, "2.0");
    }
    assert.match(stderr, /no KIMI_API_KEY: answering from the local emulator/);
    assert.match(stderr, /kimi_chat ok/);
  });
});
