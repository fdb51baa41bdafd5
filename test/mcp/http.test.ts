/**
 * `kimi-provider mcp --http` (Streamable HTTP) with the SDK's StreamableHTTPClientTransport,
 * and `startMcpServer` from the `kimi-provider/mcp` entry: sessions, the bearer token, the
 * loopback-only `Host` check, and the refusal to bind elsewhere without a token.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { runCli, TempDirs } from "../cli/run-cli.ts";
import {
  callTool,
  chatRequests,
  connectHttp,
  type HttpServerProcess,
  resultText,
  startHttpProcess,
} from "./helpers.ts";

const KEY = "sk-mcp-http-key-0123456789abcdef";
const TOKEN = "mcp-token-5f0c1d2e3a4b";

function initializeBody(): string {
  return JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "raw", version: "1" },
    },
  });
}

/** POSTs an initialize with the given headers; resolves with the status code. */
function rawInitialize(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...headers,
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(initializeBody());
  });
}

describe("kimi-provider mcp --http", () => {
  let emu: RunningEmulator;
  const temp = new TempDirs();
  let state: string;
  const env = (extra: Record<string, string> = {}) => ({
    KIMI_API_KEY: KEY,
    KIMI_BASE_URL: emu.baseURL,
    KIMI_STATE_DIR: state,
    HOME: state,
    ...extra,
  });

  before(async () => {
    emu = await startEmulator({ apiKey: KEY });
    state = temp.make();
  });
  after(async () => {
    await emu.close();
    temp.cleanup();
  });

  describe("on loopback without a token", () => {
    let server: HttpServerProcess;
    before(async () => {
      server = await startHttpProcess(["--port", "0"], env());
    });
    after(async () => {
      assert.equal(await server.stop(), 0);
      assert.ok(!server.stderr().includes(KEY));
      assert.ok(!server.stdout().includes(KEY));
    });

    it("serves the tools; each session has its own usage", async () => {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      const one = await connectHttp(server.url);
      const two = await connectHttp(server.url);
      try {
        const { tools } = await one.listTools();
        assert.equal(tools.length, 5);
        emu.clearRequests();
        const progress: string[] = [];
        const result = await callTool(
          one,
          "kimi_chat",
          { prompt: "Hello over HTTP", model: "kimi-k2.6" },
          { onprogress: (p) => progress.push(p.message ?? "") },
        );
        assert.equal(result.isError, undefined, resultText(result));
        assert.equal(progress[0], "asking kimi-k2.6");
        assert.ok(!JSON.stringify(result).includes(KEY));
        assert.deepEqual(
          (chatRequests(emu)[0]?.body as { messages: unknown } | undefined)?.messages,
          [{ role: "user", content: "Hello over HTTP" }],
        );
        const usageOne = await callTool(one, "kimi_usage", {});
        const usageTwo = await callTool(two, "kimi_usage", {});
        assert.equal((usageOne.structuredContent as { requests: number }).requests, 1);
        assert.equal((usageTwo.structuredContent as { requests: number }).requests, 0);
        // A conversation belongs to its session.
        const id = (result.structuredContent as { conversation_id: string }).conversation_id;
        const elsewhere = await callTool(two, "kimi_chat", { prompt: "Hi", conversation_id: id });
        assert.equal(elsewhere.isError, true);
      } finally {
        await one.close();
        await two.close();
      }
    });

    it("answers 403 to a request addressed to another host name (DNS rebinding)", async () => {
      assert.equal(await rawInitialize(server.url, { host: "evil.example:80" }), 403);
      assert.equal(await rawInitialize(server.url, {}), 200);
    });
  });

  it("with --token (or KIMI_MCP_TOKEN), a request without it gets 401", async () => {
    for (const [args, extraEnv] of [
      [["--port", "0", "--token", TOKEN], {}],
      [["--port", "0"], { KIMI_MCP_TOKEN: TOKEN }],
    ] as const) {
      const server = await startHttpProcess(args, env(extraEnv));
      try {
        assert.equal(await rawInitialize(server.url, {}), 401);
        assert.equal(await rawInitialize(server.url, { authorization: "Bearer wrong" }), 401);
        const client = await connectHttp(server.url, { authorization: `Bearer ${TOKEN}` });
        const models = await callTool(client, "kimi_models", {});
        assert.equal(models.isError, undefined);
        await client.close();
      } finally {
        assert.equal(await server.stop(), 0);
      }
      assert.ok(!server.stderr().includes(TOKEN) && !server.stdout().includes(TOKEN));
    }
  });

  it("refuses to bind a non-loopback host without a token, before starting anything", async () => {
    emu.clearRequests();
    const run = await runCli(["mcp", "--http", "--host", "0.0.0.0", "--port", "0"], {
      env: { KIMI_STATE_DIR: state, HOME: state },
    });
    assert.equal(run.code, 2);
    assert.equal(run.stdout, "");
    assert.equal(
      run.stderr,
      "kimi-provider: usage error (--token): Refusing to serve on 0.0.0.0 without an access token: anyone who can reach it could spend your Kimi credit. Set --token or KIMI_MCP_TOKEN, or bind to 127.0.0.1.\n",
    );
  });

  it("binds a non-loopback host with a token, and requires it", async () => {
    const server = await startHttpProcess(
      ["--host", "0.0.0.0", "--port", "0", "--token", TOKEN],
      env(),
    );
    try {
      const url = server.url.replace("0.0.0.0", "127.0.0.1");
      assert.equal(await rawInitialize(url, {}), 401);
      const client = await connectHttp(url, { authorization: `Bearer ${TOKEN}` });
      const result = await callTool(client, "kimi_chat", { prompt: "Hi", model: "kimi-k2.6" });
      assert.equal(result.isError, undefined);
      await client.close();
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it("rejects stdio-only misuse of HTTP flags", async () => {
    const run = await runCli(["mcp", "--port", "9000"], { env: { KIMI_STATE_DIR: state } });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /usage error \(--port\): --port only applies to --http/);
  });
});

describe("kimi-provider/mcp: startMcpServer", () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ apiKey: KEY });
  });
  after(async () => {
    await emu.close();
  });

  it("serves Streamable HTTP in-process; the package entry never loads the SDK", async () => {
    const { startMcpServer } = await import("kimi-provider/mcp");
    const lines: string[] = [];
    const server = await startMcpServer({
      kimi: { apiKey: KEY, baseURL: emu.baseURL, env: {} },
      http: { port: 0 },
      log: (line) => lines.push(line),
    });
    try {
      assert.ok(server.url?.startsWith("http://127.0.0.1:"));
      const client = await connectHttp(server.url ?? "");
      const result = await callTool(client, "kimi_estimate_tokens", { text: "Hello" });
      assert.equal((result.structuredContent as { demo: boolean }).demo, false);
      await client.close();
    } finally {
      await server.close();
    }
    await server.closed;
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? "", /^kimi_estimate_tokens ok \(\d+ ms\)$/);
    const { readFileSync } = await import("node:fs");
    const { ROOT } = await import("../cli/run-cli.ts");
    const bundle = readFileSync(`${ROOT}/dist/kimi-provider.js`, "utf8");
    assert.ok(!bundle.includes("@modelcontextprotocol"));
  });

  it("refuses a non-loopback host without a token (ConfigurationError)", async () => {
    const { startMcpServer } = await import("kimi-provider/mcp");
    await assert.rejects(
      startMcpServer({ kimi: { apiKey: KEY, env: {} }, http: { host: "0.0.0.0", port: 0 } }),
      (error: unknown) =>
        error instanceof Error &&
        (error as { code?: string }).code === "configuration_error" &&
        (error as { setting?: string }).setting === "token",
    );
  });
});
