/**
 * The guarantees of `kimi-provider mcp` (stdio) against the emulator: a cancelled call leaves
 * no file behind, the budget stops requests, a 429 is retried, a refused key is a tool error
 * without the key, files over the size limit are refused.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { TempDirs } from "../cli/run-cli.ts";
import { callTool, chatRequests, connectStdio, resultText, waitFor } from "./helpers.ts";

const KEY = "sk-mcp-safety-key-0123456789abcdef";

describe("kimi-provider mcp safety (stdio)", () => {
  let emu: RunningEmulator;
  const temp = new TempDirs();
  let state: string;
  let dir: string;
  const env = (key = KEY) => ({
    KIMI_API_KEY: key,
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

  before(async () => {
    emu = await startEmulator({ apiKey: KEY });
    state = temp.make();
    dir = temp.make("kimi-mcp-safety-");
    writeFileSync(join(dir, "doc.txt"), "A document about cancellations.");
    writeFileSync(join(dir, "big.txt"), "x".repeat(2048));
  });
  after(async () => {
    await emu.close();
    temp.cleanup();
  });

  it("a call cancelled mid-answer aborts the request and still deletes the uploaded file", async () => {
    const mcp = await connectStdio(["--allow-dir", dir], env());
    try {
      emu.clearRequests();
      emu.inject({ kind: "delay", ms: 5_000, path: "/v1/chat/completions" });
      const controller = new AbortController();
      const call = callTool(
        mcp.client,
        "kimi_analyze_files",
        { paths: [join(dir, "doc.txt")], question: "Summarize" },
        { signal: controller.signal },
      );
      await waitFor(() => chatRequests(emu).length === 1, "the chat request to arrive");
      controller.abort();
      // The SDK client rejects the call itself and sends notifications/cancelled to the server.
      await assert.rejects(call, /This operation was aborted/);
      await waitFor(
        () => emu.requests.some((r) => r.method === "DELETE" && r.status === 200),
        "the uploaded file to be deleted",
      );
      const upload = emu.requests.find((r) => r.method === "POST" && r.path === "/v1/files");
      assert.equal(upload?.status, 200);
      assert.deepEqual(await accountFiles(), []);
      // The aborted chat never completed on the client side: no answer was recorded.
      const usage = await callTool(mcp.client, "kimi_usage", {});
      assert.equal((usage.structuredContent as { requests: number }).requests, 0);
      await waitFor(
        () => /kimi_analyze_files failed \(aborted/.test(mcp.stderr()),
        "the server to log the aborted call",
      );
    } finally {
      emu.clearFaults();
      await mcp.close();
    }
  });

  it("once the budget is spent, billed tools return an error and send nothing", async () => {
    const mcp = await connectStdio(["--allow-dir", dir, "--max-cost-usd", "0.0001"], env());
    try {
      emu.clearRequests();
      const first = await callTool(mcp.client, "kimi_chat", {
        prompt: "Hello",
        model: "kimi-k2.6",
      });
      assert.equal(first.isError, undefined);
      const spent = (first.structuredContent as { session_cost_usd: number }).session_cost_usd;
      assert.ok(spent >= 0.0001, `one answer costs ${spent}`);
      const sent = emu.requests.length;

      const second = await callTool(mcp.client, "kimi_chat", {
        prompt: "Again",
        model: "kimi-k2.6",
      });
      assert.equal(second.isError, true);
      assert.equal(
        resultText(second),
        `kimi_chat failed: BudgetExceededError (budget_exceeded): kimi_chat refused: this session has spent $${spent.toFixed(6)}, which reaches its limit of $0.0001 (--max-cost-usd). Nothing was sent. Start a new session or restart the server with a higher --max-cost-usd.`,
      );
      const files = await callTool(mcp.client, "kimi_analyze_files", {
        paths: [join(dir, "doc.txt")],
        question: "What?",
      });
      assert.equal(files.isError, true);
      assert.match(resultText(files), /BudgetExceededError \(budget_exceeded\)/);
      assert.equal(emu.requests.length, sent);

      const usage = await callTool(mcp.client, "kimi_usage", {});
      assert.deepEqual((usage.structuredContent as { budget: unknown }).budget, {
        max_cost_usd: 0.0001,
        spent_usd: spent,
        remaining_usd: 0,
      });
    } finally {
      await mcp.close();
    }
  });

  it("a 429 from the service is retried and the call succeeds", async () => {
    const mcp = await connectStdio([], env());
    try {
      emu.clearRequests();
      emu.inject({
        kind: "error",
        status: 429,
        type: "engine_overloaded_error",
        message: "The engine is currently overloaded, please try again later",
        path: "/v1/chat/completions",
      });
      const result = await callTool(mcp.client, "kimi_chat", { prompt: "Hi", model: "kimi-k2.6" });
      assert.equal(result.isError, undefined, resultText(result));
      assert.deepEqual(
        chatRequests(emu).map((r) => r.status),
        [429, 200],
      );
      assert.match(mcp.stderr(), /retrying POST \/chat\/completions \(1\/2\) in \d+ ms/);
    } finally {
      emu.clearFaults();
      await mcp.close();
    }
  });

  it("a refused key is a tool error that never shows the key", async () => {
    const wrong = "sk-wrong-mcp-key-9876543210fedcba";
    const mcp = await connectStdio(["--allow-dir", dir], env(wrong));
    try {
      const result = await callTool(mcp.client, "kimi_chat", { prompt: "Hi", model: "kimi-k2.6" });
      assert.equal(result.isError, true);
      assert.match(
        resultText(result),
        /^kimi_chat failed: AuthenticationError \(authentication_failed, HTTP 401\): /,
      );
      const models = await callTool(mcp.client, "kimi_models", {});
      // The live list failed: the catalog is returned, saying why.
      assert.equal((models.structuredContent as { live: boolean }).live, false);
      for (const output of [JSON.stringify(result), JSON.stringify(models), mcp.stderr()]) {
        assert.ok(!output.includes(wrong), output);
        assert.ok(!output.includes(KEY), output);
      }
    } finally {
      await mcp.close();
    }
  });

  it("refuses a file over --max-file-mb before anything is sent", async () => {
    const mcp = await connectStdio(["--allow-dir", dir, "--max-file-mb", "0.001"], env());
    try {
      emu.clearRequests();
      const result = await callTool(mcp.client, "kimi_analyze_files", {
        paths: [join(dir, "big.txt")],
        question: "What?",
      });
      assert.equal(result.isError, true);
      assert.equal(
        resultText(result),
        `kimi_analyze_files failed: FileValidationError (invalid_file): Cannot use ${join(dir, "big.txt")}: it is 2.0 KB (2048 bytes), over this server's limit of 1.0 KB (1048 bytes). Split it, or raise --max-file-mb.`,
      );
      assert.equal(emu.requests.length, 0);
    } finally {
      await mcp.close();
    }
  });
});
