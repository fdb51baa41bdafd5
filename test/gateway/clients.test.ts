/**
 * The clients that fail against Kimi today, run through the gateway (and, to show the failure,
 * straight to the emulator): openai-node's runTools and LangChain's ChatOpenAI lose
 * reasoning_content in a thinking tool loop; the AI SDK's openai-compatible provider reads no
 * stream usage where Moonshot puts it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import {
  type AIMessage,
  type BaseMessage,
  HumanMessage,
  ToolMessage,
} from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { ChatOpenAI } from "@langchain/openai";
import { streamText } from "ai";
import OpenAI from "openai";
import { z } from "zod";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { type RunningGateway, startGateway } from "../../src/gateway/index.ts";
import { type SharedPostgres, startSharedPostgres, tempDir } from "./helpers.ts";

const PROMPT = "Call get_weather and get_time for Paris.";
const MISSING =
  "thinking is enabled but reasoning_content is missing in assistant tool call message at index 1";

let emulator: RunningEmulator;
let postgres: SharedPostgres;
let gateway: RunningGateway;
const state = tempDir();

before(async () => {
  emulator = await startEmulator();
  postgres = await startSharedPostgres();
  gateway = await startGateway({
    port: 0,
    apiKey: "sk-upstream-secret",
    baseURL: emulator.baseURL,
    databaseUrl: postgres.url,
    stateDir: state.path,
  });
});

after(async () => {
  await gateway.close();
  await postgres.close();
  await emulator.close();
  state.cleanup();
});

function runnableTools() {
  return [
    {
      type: "function" as const,
      function: {
        name: "get_weather",
        description: "Weather of a city",
        parameters: {
          type: "object",
          properties: { city: { type: "string" } },
          required: ["city"],
        },
        parse: JSON.parse,
        function: (args: { city: string }) => `sunny in ${args.city}`,
      },
    },
    {
      type: "function" as const,
      function: {
        name: "get_time",
        description: "Time in a city",
        parameters: {
          type: "object",
          properties: { city: { type: "string" } },
          required: ["city"],
        },
        parse: JSON.parse,
        function: (args: { city: string }) => `12:00 in ${args.city}`,
      },
    },
  ];
}

function chatRequests(): { body: Record<string, unknown> }[] {
  return emulator.requests.filter((request) => request.path === "/v1/chat/completions") as {
    body: Record<string, unknown>;
  }[];
}

describe("openai-node runTools with a thinking model and two tools", () => {
  it("fails straight to the emulator with the 400, and completes through the gateway", async () => {
    const direct = new OpenAI({ baseURL: emulator.baseURL, apiKey: "sk-any", maxRetries: 0 });
    await assert.rejects(
      direct.chat.completions
        .runTools({
          model: "kimi-k2.6",
          messages: [{ role: "user", content: PROMPT }],
          tools: runnableTools(),
        })
        .finalContent(),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.BadRequestError);
        assert.equal(error.status, 400);
        assert.equal((error.error as { message?: string }).message, MISSING);
        return true;
      },
    );

    emulator.clearRequests();
    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: "sk-any", maxRetries: 0 });
    const runner = client.chat.completions.runTools({
      model: "kimi-k2.6",
      messages: [{ role: "user", content: PROMPT }],
      tools: runnableTools(),
    });
    const content = await runner.finalContent();
    assert.match(content ?? "", /get_weather returned sunny in Paris/);
    assert.match(content ?? "", /get_time returned 12:00 in Paris/);
    const requests = chatRequests();
    assert.equal(requests.length, 2);
    const first = (await runner.allChatCompletions())[0];
    const servedMessage = first?.choices[0]?.message as { reasoning_content?: string } | undefined;
    const servedReasoning = servedMessage?.reasoning_content;
    assert.ok(servedReasoning !== undefined && servedReasoning.length > 0);
    // The second request reached upstream with the first turn's own reasoning, not a placeholder.
    const history = requests[1]?.body.messages as { role: string; reasoning_content?: string }[];
    assert.equal(history[1]?.role, "assistant");
    assert.equal(history[1]?.reasoning_content, servedReasoning);
  });
});

describe("LangChain ChatOpenAI with tools on a thinking model", () => {
  const weather = tool(({ city }: { city: string }) => `sunny in ${city}`, {
    name: "get_weather",
    description: "Weather of a city",
    schema: z.object({ city: z.string() }),
  });
  const time = tool(({ city }: { city: string }) => `12:00 in ${city}`, {
    name: "get_time",
    description: "Time in a city",
    schema: z.object({ city: z.string() }),
  });

  async function loop(baseURL: string): Promise<AIMessage> {
    const model = new ChatOpenAI({
      model: "kimi-k2.6",
      apiKey: "sk-any",
      maxRetries: 0,
      configuration: { baseURL },
    }).bindTools([weather, time]);
    const messages: BaseMessage[] = [new HumanMessage(PROMPT)];
    const first = await model.invoke(messages);
    assert.equal(first.tool_calls?.length, 2);
    messages.push(first);
    for (const call of first.tool_calls ?? []) {
      const result =
        call.name === "get_weather"
          ? await weather.invoke(call.args as { city: string })
          : await time.invoke(call.args as { city: string });
      messages.push(new ToolMessage({ content: String(result), tool_call_id: call.id ?? "" }));
    }
    return model.invoke(messages);
  }

  it("fails straight to the emulator, and completes through the gateway", async () => {
    await assert.rejects(loop(emulator.baseURL), (error: unknown) => {
      assert.match(
        String((error as Error).message),
        /reasoning_content is missing in assistant tool call message at index 1/,
      );
      return true;
    });
    emulator.clearRequests();
    const answer = await loop(gateway.baseURL);
    assert.match(String(answer.content), /get_weather returned sunny in Paris/);
    const history = chatRequests()[1]?.body.messages as { reasoning_content?: string }[];
    assert.ok((history[1]?.reasoning_content ?? "").length > 1);
  });
});

describe("AI SDK @ai-sdk/openai-compatible", () => {
  async function usageFrom(baseURL: string) {
    const provider = createOpenAICompatible({ name: "kimi", baseURL, apiKey: "sk-any" });
    const result = streamText({ model: provider("kimi-k2.6"), prompt: "Say hello." });
    for await (const _ of result.textStream) {
      // drain
    }
    return result.usage;
  }

  it("reads no usage straight from the emulator, and the real usage through the gateway", async () => {
    const direct = await usageFrom(emulator.baseURL);
    assert.equal(direct.inputTokens, undefined);
    emulator.clearRequests();
    const usage = await usageFrom(gateway.baseURL);
    const finish = chatRequests()[0];
    assert.deepEqual(finish?.body.stream_options, { include_usage: true });
    // The same request without streaming says what the usage is.
    const reference = await fetch(`${emulator.baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-any" },
      body: JSON.stringify({ ...finish?.body, stream: false, stream_options: undefined }),
    });
    const expected = ((await reference.json()) as { usage: Record<string, number> }).usage;
    assert.equal(usage.inputTokens, expected.prompt_tokens);
    assert.equal(usage.outputTokens, expected.completion_tokens);
  });
});
