/**
 * Multi-step tool loops (`stopWhen: stepCountIs(n)`) on a thinking model: the reasoning of every
 * tool-call turn must go back as `reasoning_content`, or kimi-k2.6 answers 400. The emulator
 * answers a tool call when the last user message names a tool and a text once tool results close
 * the history, so a third step comes from a follow-up user message added by `prepareStep`.
 *
 * The same loops run on `@ai-sdk/moonshotai` to show what it gets wrong: a history whose tool-call
 * turn has no reasoning (it came from a non-thinking turn) or an empty one is sent without
 * `reasoning_content`, and the service refuses it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createMoonshotAI } from "@ai-sdk/moonshotai";
import {
  APICallError,
  generateText,
  type LanguageModel,
  type ModelMessage,
  stepCountIs,
  streamText,
  tool,
} from "ai";
import { z } from "zod";
import { type AiSdkFixture, startFixture, TEST_API_KEY } from "./helpers.ts";

let fx: AiSdkFixture;
before(async () => {
  fx = await startFixture();
});
after(() => fx.close());

const tools = {
  get_weather: tool({
    description: "Current weather of a city",
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => ({ city, celsius: 21 }),
  }),
  get_time: tool({
    description: "Local time of a city",
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => ({ city, time: "10:30" }),
  }),
};

const FOLLOW_UP = "Now use get_time for Paris too";

/** Adds the follow-up question before the second step (once; it carries forward). */
function askFollowUp({ stepNumber, messages }: { stepNumber: number; messages: ModelMessage[] }) {
  return stepNumber === 1
    ? { messages: [...messages, { role: "user" as const, content: FOLLOW_UP }] }
    : {};
}

interface WireMessage {
  role: string;
  content?: unknown;
  reasoning_content?: string;
  tool_calls?: { id: string; function: { name: string } }[];
}

function wireMessages(index: number): WireMessage[] {
  const request = fx.chatRequests()[index];
  assert.ok(request, `chat request ${index}`);
  return (request.body as { messages: WireMessage[] }).messages;
}

function moonshotai(): (id: string) => LanguageModel {
  const provider = createMoonshotAI({ apiKey: TEST_API_KEY, baseURL: fx.emu.baseURL });
  return (id) => provider(id);
}

/** A history whose tool-call turn has the given reasoning parts (none: a non-thinking turn). */
function historyWith(reasoning: { type: "reasoning"; text: string }[]): ModelMessage[] {
  return [
    { role: "user", content: "Use get_weather for Paris" },
    {
      role: "assistant",
      content: [
        ...reasoning,
        {
          type: "tool-call",
          toolCallId: "get_weather_0",
          toolName: "get_weather",
          input: { city: "Paris" },
        },
      ],
    },
    {
      role: "tool",
      content: [
        {
          type: "tool-result",
          toolCallId: "get_weather_0",
          toolName: "get_weather",
          output: { type: "json", value: { city: "Paris", celsius: 21 } },
        },
      ],
    },
    { role: "user", content: FOLLOW_UP },
  ];
}

describe("tool loops on a thinking model (kimi-k2.6)", () => {
  it("runs three steps with generateText, sending each turn's reasoning back", async () => {
    fx.emu.clearRequests();
    const result = await generateText({
      model: fx.provider()("kimi-k2.6"),
      prompt: "Use get_weather for Paris",
      tools,
      stopWhen: stepCountIs(3),
      prepareStep: askFollowUp,
    });
    assert.equal(result.steps.length, 3);
    assert.deepEqual(
      result.steps.map((step) => step.toolCalls.map((call) => call.toolName)),
      [["get_weather"], ["get_time"], []],
    );
    assert.equal(result.finishReason, "stop");
    assert.match(result.text, /get_time returned \{"city":"Paris","time":"10:30"\}/);
    const [first, second] = result.steps;
    assert.ok(first?.reasoningText && second?.reasoningText, "both tool turns reasoned");
    assert.equal(fx.chatRequests().length, 3);

    // Follow-up 1: the first tool-call turn carries its own reasoning.
    const step2 = wireMessages(1);
    assert.deepEqual(
      step2.map((m) => m.role),
      ["user", "assistant", "tool", "user"],
    );
    assert.equal(step2[1]?.reasoning_content, first.reasoningText);
    // Follow-up 2: both tool-call turns carry their reasoning, each its own.
    const step3 = wireMessages(2);
    const turns = step3.filter((m) => m.role === "assistant");
    assert.deepEqual(
      turns.map((m) => [m.tool_calls?.[0]?.function.name, m.reasoning_content]),
      [
        ["get_weather", first.reasoningText],
        ["get_time", second.reasoningText],
      ],
    );
    assert.equal(
      result.totalUsage.inputTokens,
      result.steps.reduce((n, s) => n + (s.usage.inputTokens ?? 0), 0),
    );
  });

  it("runs the same loop with streamText", async () => {
    fx.emu.clearRequests();
    const result = streamText({
      model: fx.provider()("kimi-k2.6"),
      prompt: "Use get_weather for Paris",
      tools,
      stopWhen: stepCountIs(3),
      prepareStep: askFollowUp,
    });
    await result.consumeStream();
    const steps = await result.steps;
    assert.equal(steps.length, 3);
    assert.match(await result.text, /get_time returned/);
    const turns = wireMessages(2).filter((m) => m.role === "assistant");
    assert.deepEqual(
      turns.map((m) => m.reasoning_content),
      [steps[0]?.reasoningText, steps[1]?.reasoningText],
    );
    assert.ok(
      turns.every((m) => typeof m.reasoning_content === "string" && m.reasoning_content !== ""),
    );
  });

  for (const [label, reasoning] of [
    ["a non-thinking turn (no reasoning)", []],
    ["an empty reasoning string", [{ type: "reasoning" as const, text: "" }]],
  ] as const) {
    it(`continues a history with ${label}: the placeholder goes back; @ai-sdk/moonshotai gets a 400`, async () => {
      // Ours: the turn without reasoning gets the library's placeholder and the loop finishes.
      fx.emu.clearRequests();
      const ours = await generateText({
        model: fx.provider()("kimi-k2.6"),
        messages: historyWith([...reasoning]),
        tools,
        stopWhen: stepCountIs(3),
      });
      assert.deepEqual(
        ours.steps.map((step) => step.toolCalls.map((call) => call.toolName)),
        [["get_time"], []],
      );
      assert.equal(wireMessages(0)[1]?.reasoning_content, ".");
      assert.equal(
        fx.chatRequests().every((r) => r.status === 200),
        true,
      );

      // @ai-sdk/moonshotai drops the missing or empty reasoning: the service refuses the history.
      fx.emu.clearRequests();
      const error = await generateText({
        model: moonshotai()("kimi-k2.6"),
        messages: historyWith([...reasoning]),
        tools,
        stopWhen: stepCountIs(3),
        maxRetries: 0,
      }).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      assert.ok(APICallError.isInstance(error), String(error));
      assert.equal(error.statusCode, 400);
      assert.match(
        String(error.responseBody),
        /thinking is enabled but reasoning_content is missing in assistant tool call message at index 1/,
      );
      assert.equal("reasoning_content" in (wireMessages(0)[1] ?? {}), false);
    });
  }

  it("@ai-sdk/moonshotai does run a fresh loop: it carries non-empty reasoning back", async () => {
    fx.emu.clearRequests();
    const result = await generateText({
      model: moonshotai()("kimi-k2.6"),
      prompt: "Use get_weather for Paris",
      tools,
      stopWhen: stepCountIs(3),
      prepareStep: askFollowUp,
    });
    assert.equal(result.steps.length, 3);
    const turns = wireMessages(2).filter((m) => m.role === "assistant");
    assert.deepEqual(
      turns.map((m) => m.reasoning_content),
      [result.steps[0]?.reasoningText, result.steps[1]?.reasoningText],
    );
  });
});
