import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { z } from "zod";
import { createKimi } from "../../src/client.ts";
import { defineTool } from "../../src/tools/define-tool.ts";
import { runTools } from "../../src/tools/tool-loop.ts";
import { type ScriptedServer, startScriptedServer } from "./scripted-server.ts";

const servers: ScriptedServer[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function scripted(...replies: Parameters<typeof startScriptedServer>[0]) {
  const server = await startScriptedServer(replies);
  servers.push(server);
  const kimi = createKimi({ apiKey: "sk-test", baseURL: server.baseURL, env: {}, maxRetries: 0 });
  return { server, kimi };
}

const add = defineTool({
  name: "add",
  description: "Adds two numbers",
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a + b,
});

describe("runTools with a scripted service", () => {
  it("runs a three-step loop, feeding each result into the next request", async () => {
    const { server, kimi } = await scripted(
      {
        content: "Adding first.",
        toolCalls: [{ id: "add:0", name: "add", arguments: '{"a":1,"b":2}' }],
      },
      { toolCalls: [{ id: "add:1", name: "add", arguments: '{"a":3,"b":4}' }] },
      { content: "1+2=3 and 3+4=7." },
    );
    const result = await runTools(kimi, {
      model: "kimi-k2-0905-preview",
      messages: [{ role: "user", content: "Add 1+2, then 3+4" }],
      tools: [add],
    }).result;

    assert.equal(result.stopReason, "answered");
    assert.equal(result.text, "1+2=3 and 3+4=7.");
    assert.deepEqual(
      result.steps.map((s) => s.finishReason),
      ["tool_calls", "tool_calls", "stop"],
    );
    assert.equal(server.bodies.length, 3);
    const last = server.bodies[2]?.messages;
    assert.deepEqual(last, [
      { role: "user", content: "Add 1+2, then 3+4" },
      {
        role: "assistant",
        content: "Adding first.",
        tool_calls: [
          { id: "add:0", type: "function", function: { name: "add", arguments: '{"a":1,"b":2}' } },
        ],
      },
      { role: "tool", tool_call_id: "add:0", name: "add", content: "3" },
      {
        role: "assistant",
        tool_calls: [
          { id: "add:1", type: "function", function: { name: "add", arguments: '{"a":3,"b":4}' } },
        ],
      },
      { role: "tool", tool_call_id: "add:1", name: "add", content: "7" },
    ]);
    assert.deepEqual(result.usage, {
      promptTokens: 300,
      completionTokens: 30,
      totalTokens: 330,
      cachedTokens: 0,
      reasoningTokens: null,
    });
    // 300 input tokens at 0.60/M + 30 output tokens at 2.50/M (catalog, kimi-k2-0905-preview).
    assert.equal(result.totalCostUsd, 0.000255);
  });

  it("answers malformed JSON arguments and unknown tools with error results", async () => {
    const { server, kimi } = await scripted(
      {
        toolCalls: [
          { id: "add:0", name: "add", arguments: '{"a":1,' },
          { id: "subtract:1", name: "subtract", arguments: "{}" },
        ],
      },
      { content: "Sorry." },
    );
    const result = await runTools(kimi, {
      model: "kimi-k2-0905-preview",
      messages: [{ role: "user", content: "add" }],
      tools: [add],
    }).result;
    const [bad, unknown] = result.steps[0]?.toolResults ?? [];
    assert.equal(bad?.status, "invalid-arguments");
    assert.match(
      bad?.content ?? "",
      /^\{"error":"The arguments of tool \\"add\\" are not valid JSON \(/,
    );
    assert.equal(unknown?.status, "unknown-tool");
    assert.equal(
      unknown?.content,
      JSON.stringify({ error: 'There is no tool named "subtract". Available tools: add.' }),
    );
    const sent = server.bodies[1]?.messages as Record<string, unknown>[];
    assert.deepEqual(
      sent.filter((m) => m.role === "tool").map((m) => [m.tool_call_id, m.name]),
      [
        ["add:0", "add"],
        ["subtract:1", "subtract"],
      ],
    );
  });

  it("stops with stopReason max-steps when the model keeps calling tools", async () => {
    const call = (n: number) => ({
      toolCalls: [{ id: `add:${n}`, name: "add", arguments: '{"a":1,"b":1}' }],
    });
    const { server, kimi } = await scripted(call(0), call(1), call(2));
    const result = await runTools(kimi, {
      model: "kimi-k2-0905-preview",
      messages: [{ role: "user", content: "loop" }],
      tools: [add],
      maxSteps: 2,
    }).result;
    assert.equal(result.stopReason, "max-steps");
    assert.equal(server.bodies.length, 2);
    assert.equal(result.newMessages.length, 4);
  });
});
