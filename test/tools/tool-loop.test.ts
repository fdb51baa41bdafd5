import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { z } from "zod";
import { createKimi } from "../../src/client.ts";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import {
  AbortError,
  BudgetExceededError,
  InvalidRequestError,
} from "../../src/errors/error-classes.ts";
import { defineTool } from "../../src/tools/define-tool.ts";
import { REASONING_PLACEHOLDER } from "../../src/tools/thinking-history.ts";
import { ToolBudgetExceededError } from "../../src/tools/tool-budget.ts";
import { runTools } from "../../src/tools/tool-loop.ts";
import type { ToolLoopEvent } from "../../src/tools/tool-loop-types.ts";

type Body = {
  model: string;
  messages: Record<string, unknown>[];
  tools?: Record<string, unknown>[];
  thinking?: unknown;
  stream?: boolean;
};

let emu: RunningEmulator;
/** The 2025 lineup, for a model that takes no `thinking` at all. */
let emu2025: RunningEmulator;
const chatBodies = (server: RunningEmulator = emu): Body[] =>
  server.requests.filter((r) => r.path === "/v1/chat/completions").map((r) => r.body as Body);

const client = (server: RunningEmulator = emu) =>
  createKimi({ apiKey: "sk-test", baseURL: server.baseURL, env: {}, maxRetries: 0 });

const weather = defineTool({
  name: "get_weather",
  description: "Current weather for a city",
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, celsius: 21 }),
});

before(async () => {
  emu = await startEmulator({ seed: 7 });
  emu2025 = await startEmulator({ seed: 7, lineup: "2025-10" });
});
after(async () => {
  await emu.close();
  await emu2025.close();
});
beforeEach(() => emu.clearRequests());

describe("runTools against the emulator", () => {
  it("runs a tool, sends one tool message per call with name, and answers", async () => {
    const run = runTools(client(), {
      model: "kimi-k2.6",
      thinking: false,
      messages: [{ role: "user", content: "Use get_weather for the weather in Paris" }],
      tools: [weather],
    });
    const events: ToolLoopEvent[] = [];
    for await (const event of run) events.push(event);
    const result = await run.result;

    assert.equal(result.stopReason, "answered");
    assert.equal(result.steps.length, 2);
    assert.deepEqual(
      events.filter((e) => e.type !== "text-delta").map((e) => e.type),
      [
        "step-start",
        "tool-call",
        "step-finish",
        "tool-result",
        "step-start",
        "step-finish",
        "finish",
      ],
    );
    const bodies = chatBodies();
    assert.equal(bodies.length, 2);
    assert.equal(bodies[0]?.stream, true);
    assert.deepEqual(bodies[0]?.tools, [
      {
        type: "function",
        function: {
          name: "get_weather",
          description: "Current weather for a city",
          parameters: {
            type: "object",
            properties: { city: { type: "string" } },
            required: ["city"],
          },
        },
      },
    ]);
    const call = result.steps[0]?.toolCalls[0];
    assert.ok(call);
    assert.equal(call.id, "get_weather_0");
    const second = bodies[1]?.messages ?? [];
    // The assistant tool-call message carries no empty content.
    assert.deepEqual(second[1], { role: "assistant", tool_calls: [call] });
    assert.deepEqual(second[2], {
      role: "tool",
      tool_call_id: "get_weather_0",
      name: "get_weather",
      content: '{"city":"Paris","celsius":21}',
    });
    assert.equal(result.steps[0]?.toolResults[0]?.status, "success");
    assert.deepEqual(result.steps[0]?.toolResults[0]?.output, { city: "Paris", celsius: 21 });
    assert.match(result.text, /get_weather returned \{"city":"Paris","celsius":21\}/);
    assert.deepEqual(result.messages, [...second, result.newMessages.at(-1)]);
    assert.equal(
      result.usage.totalTokens,
      result.steps.reduce((sum, s) => sum + (s.usage?.totalTokens ?? 0), 0),
    );
    const expectedCost = result.steps.reduce((sum, s) => sum + (s.cost.total ?? 0), 0);
    assert.ok(result.totalCostUsd !== null && result.totalCostUsd > 0);
    assert.equal(result.totalCostUsd, Math.round(expectedCost * 1e12) / 1e12);
  });

  it("executes parallel calls concurrently, bounded by `concurrency`", async () => {
    let inFlight = 0;
    let peak = 0;
    const slow = (name: string) =>
      defineTool({
        name,
        description: `${name} lookup`,
        parameters: z.object({ city: z.string() }),
        execute: async ({ city }) => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          await new Promise((resolve) => setImmediate(resolve));
          inFlight--;
          return `${name}:${city}`;
        },
      });
    const tools = [slow("get_weather"), slow("get_time")];
    const ask = "Call get_weather and get_time for Tokyo";

    const parallel = await runTools(client(), {
      messages: [{ role: "user", content: ask }],
      tools,
    }).result;
    assert.equal(peak, 2);
    assert.deepEqual(
      parallel.steps[0]?.toolCalls.map((c) => c.id),
      ["get_weather_0", "get_time_1"],
    );
    const toolMessages = chatBodies()[1]?.messages.filter((m) => m.role === "tool");
    assert.deepEqual(toolMessages, [
      {
        role: "tool",
        tool_call_id: "get_weather_0",
        name: "get_weather",
        content: "get_weather:Tokyo",
      },
      { role: "tool", tool_call_id: "get_time_1", name: "get_time", content: "get_time:Tokyo" },
    ]);

    peak = 0;
    await runTools(client(), { messages: [{ role: "user", content: ask }], tools, concurrency: 1 })
      .result;
    assert.equal(peak, 1);
  });

  it("sends a thrown error back to the model as an error result and continues", async () => {
    const failing = defineTool({
      name: "read_file",
      description: "Reads a file",
      parameters: z.object({ path: z.string() }),
      execute: () => {
        throw new Error("disk unplugged");
      },
    });
    const result = await runTools(client(), {
      messages: [{ role: "user", content: "Please call read_file on notes.txt" }],
      tools: [failing],
    }).result;
    assert.equal(result.stopReason, "answered");
    const outcome = result.steps[0]?.toolResults[0];
    assert.equal(outcome?.status, "execution-error");
    assert.equal(outcome?.isError, true);
    assert.equal(outcome?.error?.message, "disk unplugged");
    const toolMessage = chatBodies()[1]?.messages.at(-1);
    assert.deepEqual(toolMessage, {
      role: "tool",
      tool_call_id: "read_file_0",
      name: "read_file",
      content: '{"error":"Tool \\"read_file\\" failed: disk unplugged"}',
    });
    assert.match(result.text, /disk unplugged/);
  });

  it("validates arguments before execute and explains the problem to the model", async () => {
    let executed = 0;
    const strict = defineTool({
      name: "book_room",
      description: "Books a room",
      // The refinement is invisible in JSON Schema, so the emulator's arguments fail it.
      parameters: z.object({
        room: z.string().refine((v) => v.startsWith("R-"), "must start with R-"),
      }),
      execute: () => {
        executed++;
        return "booked";
      },
    });
    const result = await runTools(client(), {
      messages: [{ role: "user", content: "book_room please" }],
      tools: [strict],
    }).result;
    assert.equal(executed, 0);
    const outcome = result.steps[0]?.toolResults[0];
    assert.equal(outcome?.status, "invalid-arguments");
    assert.equal(outcome?.error?.name, "ToolArgumentsError");
    const content = String(chatBodies()[1]?.messages.at(-1)?.content);
    assert.equal(
      content,
      JSON.stringify({
        error:
          'The arguments of tool "book_room" do not match its schema: room: must start with R-. Call the tool again with corrected arguments.',
      }),
    );
    assert.equal(result.stopReason, "answered");
  });

  it("carries reasoning_content back on a thinking model (the emulator rejects the history without it)", async () => {
    const result = await runTools(client(), {
      model: "kimi-k2.6",
      messages: [{ role: "user", content: "Use get_weather for the weather in Oslo" }],
      tools: [weather],
    }).result;
    assert.equal(result.stopReason, "answered");
    const reasoning = result.steps[0]?.reasoning;
    assert.ok(typeof reasoning === "string" && reasoning.length > 0);
    const second = chatBodies()[1];
    assert.equal(second?.messages[1]?.reasoning_content, reasoning);
    assert.equal(typeof result.reasoning, "string");

    // The same history without reasoning_content is refused by the service.
    const { reasoning_content: _dropped, ...bare } = second?.messages[1] ?? {};
    const response = await fetch(`${emu.baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-test" },
      body: JSON.stringify({
        ...second,
        stream: false,
        messages: [second?.messages[0], bare, second?.messages[2]],
      }),
    });
    assert.equal(response.status, 400);
    const error = (await response.json()) as { error: { type: string; message: string } };
    assert.equal(error.error.type, "invalid_request_error");
    assert.match(
      error.error.message,
      /reasoning_content is missing in assistant tool call message at index 1/,
    );
  });

  it("continues a non-thinking model's history on a thinking model with a placeholder", async () => {
    const first = await runTools(client(), {
      model: "kimi-k2.6",
      thinking: false,
      messages: [{ role: "user", content: "Use get_weather for the weather in Rome" }],
      tools: [weather],
    }).result;
    assert.equal(first.newMessages[0]?.role, "assistant");
    assert.equal("reasoning_content" in (first.newMessages[0] ?? {}), false);
    emu.clearRequests();

    const next = await runTools(client(), {
      model: "kimi-k2.6",
      messages: [...first.messages, { role: "user", content: "Thanks. Is that warm?" }],
      tools: [weather],
    }).result;
    assert.equal(next.stopReason, "answered");
    const sent = chatBodies()[0]?.messages ?? [];
    assert.equal(sent[1]?.reasoning_content, REASONING_PLACEHOLDER);
    // The caller's transcript is not rewritten; only the wire copy carries the placeholder.
    assert.equal("reasoning_content" in (next.messages[1] ?? {}), false);
  });

  it("uses the client's thinking rules: sent only to models that take them", async () => {
    const ask = (
      model: string,
      thinking: boolean | { type: "enabled"; keep: "all" },
      server: RunningEmulator = emu,
    ) =>
      runTools(client(server), {
        model,
        messages: [{ role: "user", content: "Hello" }],
        tools: [weather],
        thinking,
      }).result;
    await ask("kimi-k2.6", false);
    await ask("kimi-k2.6", { type: "enabled", keep: "all" });
    // A 2025 model without thinking: the flag is not sent at all.
    emu2025.clearRequests();
    await ask("kimi-k2-0905-preview", false, emu2025);
    const [off, keep] = chatBodies();
    const [k2] = chatBodies(emu2025);
    assert.deepEqual(off?.thinking, { type: "disabled" });
    assert.deepEqual(keep?.thinking, { type: "enabled", keep: "all" });
    assert.equal(k2 !== undefined && "thinking" in k2, false);

    // keep on kimi-k2.5 (a 400 on the service) is refused before sending.
    await assert.rejects(ask("kimi-k2.5", { type: "enabled", keep: "all" }), InvalidRequestError);
    assert.equal(chatBodies().length, 2);
  });

  it("handles the $web_search round trip and counts its fee", async () => {
    // $web_search needs thinking off on kimi-k2.6.
    const result = await runTools(client(), {
      model: "kimi-k2.6",
      thinking: false,
      messages: [{ role: "user", content: "What happened in the news today?" }],
      webSearch: true,
    }).result;
    const bodies = chatBodies();
    assert.equal(bodies.length, 2);
    assert.deepEqual(bodies[0]?.tools, [
      { type: "builtin_function", function: { name: "$web_search" } },
    ]);
    const call = result.steps[0]?.toolCalls[0];
    assert.equal(call?.function.name, "$web_search");
    assert.deepEqual(bodies[1]?.messages.at(-1), {
      role: "tool",
      tool_call_id: call?.id,
      name: "$web_search",
      content: call?.function.arguments,
    });
    assert.equal(result.steps[0]?.toolResults[0]?.status, "web-search");
    assert.equal(result.webSearchCalls, 1);
    assert.equal(result.steps[0]?.cost.webSearch, 0.005);
    const search = JSON.parse(call?.function.arguments ?? "{}") as {
      usage: { total_tokens: number };
    };
    assert.ok((result.steps[1]?.usage?.promptTokens ?? 0) > search.usage.total_tokens);
    const tokenCost = result.steps.reduce(
      (sum, s) => sum + (s.cost.input ?? 0) + (s.cost.output ?? 0),
      0,
    );
    assert.equal(result.totalCostUsd, Math.round((tokenCost + 0.005) * 1e12) / 1e12);
    assert.match(result.text, /I searched the web/);
  });

  it("stops on a token budget: throws by default, or resolves with stopReason budget", async () => {
    const options = {
      messages: [{ role: "user" as const, content: "Use get_weather for the weather in Lima" }],
      tools: [weather],
      budget: { maxTokens: 1 },
    };
    await assert.rejects(runTools(client(), options).result, (error: unknown) => {
      assert.ok(error instanceof ToolBudgetExceededError);
      assert.ok(error instanceof BudgetExceededError);
      assert.equal(error.code, "budget_exceeded");
      assert.equal(error.result.steps.length, 1);
      assert.match(error.message, /reaching its budget of 1\. The run stopped before step 2/);
      return true;
    });
    assert.equal(chatBodies().length, 1);

    emu.clearRequests();
    const stopped = await runTools(client(), { ...options, onBudgetExceeded: "stop" }).result;
    assert.equal(stopped.stopReason, "budget");
    assert.equal(chatBodies().length, 1);
    // The transcript stays valid: every call is answered before the run stops.
    assert.deepEqual(
      stopped.newMessages.map((m) => m.role),
      ["assistant", "tool"],
    );
  });

  it("stops at a USD budget too", async () => {
    const stopped = await runTools(client(), {
      messages: [{ role: "user", content: "Use get_weather for the weather in Lima" }],
      tools: [weather],
      budget: { maxCostUsd: 0.000001 },
      onBudgetExceeded: "stop",
    }).result;
    assert.equal(stopped.stopReason, "budget");
    assert.equal(chatBodies().length, 1);
  });

  it("aborts mid-loop: the running tool sees the signal and no further request is sent", async () => {
    const controller = new AbortController();
    let sawAbort = false;
    const waiting = defineTool({
      name: "long_task",
      description: "Takes a while",
      parameters: z.object({}),
      execute: (_args, { signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener("abort", () => {
            sawAbort = true;
            reject(new Error("cancelled"));
          });
          controller.abort();
        }),
    });
    await assert.rejects(
      runTools(client(), {
        messages: [{ role: "user", content: "start long_task" }],
        tools: [waiting],
        signal: controller.signal,
      }).result,
      (error: unknown) => error instanceof AbortError && error.code === "aborted",
    );
    assert.equal(sawAbort, true);
    assert.equal(chatBodies().length, 1);
  });
});

describe("runTools events and cancellation while streaming", () => {
  it("streams reasoning before text, and aborting mid-stream rejects both the iteration and the result", async () => {
    const controller = new AbortController();
    const run = runTools(client(), {
      model: "kimi-k2.6",
      messages: [{ role: "user", content: "Explain tides" }],
      signal: controller.signal,
      requestOptions: { headers: { "x-emulator-chunk-delay-ms": "5" } },
    });
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const event of run) {
          seen.push(event.type);
          if (event.type === "text-delta") controller.abort();
        }
      })(),
      (error: unknown) => error instanceof AbortError,
    );
    await assert.rejects(run.result, AbortError);
    assert.equal(seen[0], "step-start");
    assert.equal(seen[1], "reasoning-delta");
    assert.equal(seen.includes("step-finish"), false);
    assert.ok(seen.indexOf("text-delta") > seen.lastIndexOf("reasoning-delta"));
  });
});
