/**
 * What the client tolerates on the wire (scripted loopback answers, for shapes the emulator does
 * not send): a response without usage is unknown usage and cost, never 0 tokens and $0; file
 * content as plain text; tool-call ids in both recorded forms, kept verbatim.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { StreamEvent } from "../../src/chat/types.ts";
import { createKimi, type Kimi } from "../../src/client.ts";
import { parseFileContent } from "../../src/files/file-content.ts";
import {
  chunk,
  type ScriptedResponse,
  type ScriptedServer,
  sse,
  startScriptedServer,
} from "./helpers/scripted-server.ts";

const servers: ScriptedServer[] = [];
const dirs: string[] = [];
after(async () => {
  for (const server of servers) await server.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function scripted(script: readonly ScriptedResponse[]): Promise<{
  kimi: Kimi;
  server: ScriptedServer;
}> {
  const server = await startScriptedServer(script);
  servers.push(server);
  const stateDir = mkdtempSync(join(tmpdir(), "kimi-tolerance-"));
  dirs.push(stateDir);
  const kimi = createKimi({
    apiKey: "sk-tolerance",
    baseURL: server.baseURL,
    env: {},
    stateDir,
    maxRetries: 0,
  });
  return { kimi, server };
}

const messages = [{ role: "user" as const, content: "Hi" }];

function completion(message: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    id: "chatcmpl-6a8de8a98709c8ec9c4875ac",
    object: "chat.completion",
    created: 1787685033,
    model: "kimi-k2.6",
    choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: "stop" }],
    ...extra,
  });
}

const UNKNOWN_COST = {
  model: "kimi-k2.6",
  input: null,
  cachedInput: null,
  uncachedInput: null,
  output: null,
  webSearch: 0,
  total: null,
  currency: "USD",
};

describe("a response without usage", () => {
  it("chat: usage null, every cost null, counted as unpriced in the ledger (no tokens, no $0)", async () => {
    const { kimi } = await scripted([{ body: completion({ content: "Hello" }) }]);
    const result = await kimi.chat({ model: "kimi-k2.6", messages });
    assert.equal(result.content, "Hello");
    assert.equal(result.usage, null);
    assert.deepEqual(result.cost, UNKNOWN_COST);
    const snapshot = kimi.usage.snapshot();
    assert.equal(snapshot.requests, 1);
    assert.equal(snapshot.unpricedRequests, 1);
    assert.equal(snapshot.promptTokens, 0);
    assert.equal(snapshot.costUsd, 0);
    assert.equal(snapshot.byModel["kimi-k2.6"]?.unpricedRequests, 1);
  });

  it("stream: the finish event and the result carry usage null and an unknown cost", async () => {
    const { kimi } = await scripted([
      {
        chunks: [
          chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }], {
            model: "kimi-k2.6",
          }),
          chunk([{ index: 0, delta: { content: "Hi!" }, finish_reason: null }], {
            model: "kimi-k2.6",
          }),
          chunk([{ index: 0, delta: {}, finish_reason: "stop" }], { model: "kimi-k2.6" }),
          sse("[DONE]"),
        ],
      },
    ]);
    const stream = kimi.stream({ model: "kimi-k2.6", messages });
    const events: StreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const result = await stream.result;
    assert.deepEqual(events.at(-1), {
      type: "finish",
      finishReason: "stop",
      usage: null,
      cost: UNKNOWN_COST,
    });
    assert.equal(result.content, "Hi!");
    assert.equal(result.usage, null);
    assert.equal(kimi.usage.snapshot().unpricedRequests, 1);
  });

  it("a known usage and an unknown one: the tokens are those reported, the unknown call is counted", async () => {
    const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
    const { kimi } = await scripted([
      { body: completion({ content: "A" }, { usage }) },
      { body: completion({ content: "B" }) },
    ]);
    await kimi.chat({ model: "kimi-k2.6", messages });
    await kimi.chat({ model: "kimi-k2.6", messages });
    const snapshot = kimi.usage.snapshot();
    assert.equal(snapshot.requests, 2);
    assert.equal(snapshot.unpricedRequests, 1);
    assert.equal(snapshot.promptTokens, 10);
    // 10 at 0.95 + 5 at 4.00 (USD per million).
    assert.equal(snapshot.costUsd, 0.0000295);
  });
});

describe("files.content()", () => {
  const DOCUMENT =
    '{"content":"文件内容1\\n\\n文件内容2","file_type":"text/plain","filename":"我是一个文件.txt","title":"","type":"file"}';

  it("accepts plain extracted text (text/plain)", async () => {
    const { kimi } = await scripted([
      {
        headers: { "content-type": "text/plain; charset=utf-8" },
        body: "Line one.\n\nLine two.",
      },
    ]);
    assert.deepEqual(await kimi.files.content("file_abc"), {
      content: "Line one.\n\nLine two.",
      filename: "",
      fileType: "",
      title: "",
      type: "file",
      format: "text",
      raw: "Line one.\n\nLine two.",
    });
  });

  it("the JSON document is parsed even when labelled text/plain (as documented)", async () => {
    const { kimi } = await scripted([
      { headers: { "content-type": "text/plain; charset=utf-8" }, body: DOCUMENT },
    ]);
    const content = await kimi.files.content("file_abc");
    assert.equal(content.format, "json");
    assert.equal(content.content, "文件内容1\n\n文件内容2");
    assert.equal(content.raw, DOCUMENT);
  });

  it("the JSON document is parsed (pure)", () => {
    const parsed = parseFileContent(DOCUMENT, "f");
    assert.equal(parsed.format, "json");
    assert.equal(parsed.content, "文件内容1\n\n文件内容2");
    assert.equal(parsed.filename, "我是一个文件.txt");
  });

  it("a body that is not the document is plain text (pure)", () => {
    for (const raw of ["not json at all", '{"foo":1}', "[1,2]", '"quoted"', ""]) {
      const parsed = parseFileContent(raw, "f");
      assert.equal(parsed.format, "text", raw);
      assert.equal(parsed.content, raw);
      assert.equal(parsed.raw, raw);
    }
  });
});

describe("tool-call ids", () => {
  for (const id of ["get_weather:0", "get_weather_0"]) {
    it(`${id} is kept verbatim in the result and sent back verbatim`, async () => {
      const call = {
        index: 0,
        id,
        type: "function",
        function: { name: "get_weather", arguments: '{"city": "Paris"}' },
      };
      const { kimi, server } = await scripted([
        { body: completion({ content: "", tool_calls: [call] }) },
        { body: completion({ content: "Sunny" }) },
      ]);
      const tools = [
        {
          type: "function" as const,
          function: {
            name: "get_weather",
            parameters: { type: "object", properties: { city: { type: "string" } } },
          },
        },
      ];
      const first = await kimi.chat({ model: "kimi-k2.6", thinking: false, messages, tools });
      assert.deepEqual(first.toolCalls, [
        {
          id,
          type: "function",
          function: { name: "get_weather", arguments: '{"city": "Paris"}' },
        },
      ]);
      await kimi.chat({
        model: "kimi-k2.6",
        thinking: false,
        tools,
        messages: [
          ...messages,
          first.message,
          { role: "tool", tool_call_id: id, name: "get_weather", content: '{"celsius":21}' },
        ],
      });
      const sent = server.requests[1]?.body as {
        messages: { tool_calls?: { id: string }[]; tool_call_id?: string }[];
      };
      assert.equal(sent.messages[1]?.tool_calls?.[0]?.id, id);
      assert.equal(sent.messages[2]?.tool_call_id, id);
    });
  }
});
