import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ChatRequest } from "../../src/chat/types.ts";
import { createKimi, type Kimi } from "../../src/client.ts";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { ContextOverflowError, InvalidRequestError } from "../../src/errors/error-classes.ts";
import { findCatalogModel } from "../../src/models/catalog.ts";
import { applyRequestPolicy } from "../../src/models/policy.ts";
import { estimatePromptTokens } from "../../src/tokens/local-estimator.ts";

const defaults = { temperature: 0.5, maxTokens: 32768 };
const messages = [{ role: "user" as const, content: "Hi" }];

function decide(
  modelId: string,
  request: Omit<ChatRequest, "messages"> & { messages?: ChatRequest["messages"] } = {},
  promptTokens = 10,
) {
  return applyRequestPolicy(
    { messages, ...request },
    { modelId, model: findCatalogModel(modelId), defaults, promptTokens },
  );
}

function refused(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InvalidRequestError, String(error));
    assert.equal(error.code, "invalid_request");
    assert.match(error.message, pattern);
    return true;
  });
}

describe("request policy (pure)", () => {
  it("K2: sends the configured temperature and max tokens", () => {
    const { params } = decide("kimi-k2-0905-preview");
    assert.deepEqual(params, { temperature: 0.5, max_tokens: 32768 });
  });

  it("temperature above 1 is refused on every model (Moonshot's range is [0, 1])", () => {
    refused(() => decide("kimi-k2-0905-preview", { temperature: 1.5 }), /temperature.*0 to 1/);
    refused(() => decide("some-future-model", { temperature: 1.2 }), /0 to 1/);
  });

  it("fixed sampling (K2.5+): the default temperature is not sent; an explicit other value is refused", () => {
    assert.deepEqual(decide("kimi-k2.6").params, { max_tokens: 32768 });
    refused(
      () => decide("kimi-k2.6", { temperature: 0.7 }),
      /only allows temperature 1 with thinking on/,
    );
    refused(
      () => decide("kimi-k2.6", { temperature: 1, thinking: false }),
      /only allows temperature 0.6 with thinking disabled/,
    );
    assert.deepEqual(decide("kimi-k2.6", { temperature: 1 }).params, { max_tokens: 32768 });
    refused(() => decide("kimi-k2.5", { topP: 0.9 }), /top_p 0.95/);
    refused(() => decide("kimi-k2.5", { n: 2 }), /n = 1/);
    refused(() => decide("kimi-k2.5", { presencePenalty: 0.5 }), /presencePenalty 0/);
  });

  it("n: at most 5, and n > 1 needs temperature > 0", () => {
    refused(() => decide("moonshot-v1-8k", { n: 6, temperature: 0.3 }), /1 to 5/);
    refused(
      () => decide("moonshot-v1-8k", { n: 2, temperature: 0 }),
      /needs a temperature above 0/,
    );
    assert.deepEqual(decide("moonshot-v1-8k", { n: 3 }).params, {
      temperature: 0.5,
      n: 3,
      max_tokens: 8182,
    });
    refused(
      () =>
        applyRequestPolicy(
          { messages, n: 2 },
          {
            modelId: "moonshot-v1-8k",
            model: findCatalogModel("moonshot-v1-8k"),
            defaults: { ...defaults, temperature: 0 },
            promptTokens: 10,
          },
        ),
      /configured default/,
    );
  });

  it("thinking: never sent to none/always models; kept for toggle models", () => {
    assert.equal(decide("kimi-k2-0905-preview", { thinking: false }).params.thinking, undefined);
    refused(() => decide("kimi-k2-0905-preview", { thinking: true }), /does not think/);
    assert.equal(decide("kimi-k2-thinking", { thinking: true }).params.thinking, undefined);
    refused(() => decide("kimi-k2-thinking", { thinking: false }), /always reasons/);
    assert.deepEqual(
      decide("kimi-k2.6", { thinking: { type: "enabled", keep: "all" } }).params.thinking,
      { type: "enabled", keep: "all" },
    );
    refused(
      () => decide("kimi-k2.5", { thinking: { type: "enabled", keep: "all" } }),
      /thinking.keep/,
    );
  });

  it("tool_choice limits (docs/moonshot-wire.md, Tools)", () => {
    const tools = [
      { type: "function" as const, function: { name: "lookup", parameters: { type: "object" } } },
    ];
    refused(
      () => decide("kimi-k2-0905-preview", { tools, toolChoice: "required" }),
      /does not support tool_choice "required"/,
    );
    refused(
      () =>
        decide("kimi-k2.6", {
          tools,
          toolChoice: { type: "function", function: { name: "lookup" } },
        }),
      /incompatible with thinking/,
    );
    assert.deepEqual(
      decide("kimi-k2.6", {
        tools,
        thinking: false,
        toolChoice: { type: "function", function: { name: "lookup" } },
      }).params.tool_choice,
      { type: "function", function: { name: "lookup" } },
    );
    assert.equal(
      decide("kimi-k3", { tools, toolChoice: "required" }).params.tool_choice,
      "required",
    );
    refused(() => decide("kimi-thinking-preview", { tools }), /does not support tool calls/);
    refused(
      () =>
        decide("kimi-k2.6", {
          tools: [{ type: "builtin_function", function: { name: "$web_search" } }],
        }),
      /thinking: false/,
    );
  });

  it("response format and partial mode", () => {
    refused(
      () =>
        decide("moonshot-v1-8k", {
          responseFormat: {
            type: "json_schema",
            json_schema: { name: "x", schema: { type: "object" } },
          },
        }),
      /json_schema/,
    );
    refused(
      () =>
        decide("kimi-k2-0905-preview", {
          messages: [...messages, { role: "assistant", content: "{", partial: true }],
          responseFormat: { type: "json_object" },
        }),
      /Partial mode cannot be combined/,
    );
    refused(
      () =>
        decide("kimi-k2-0905-preview", {
          messages: [{ role: "assistant", content: "x", partial: true }, ...messages],
        }),
      /last message/,
    );
  });

  it("max tokens: explicit overflow refused with the amount; default clamped to the window", () => {
    assert.throws(
      () => decide("moonshot-v1-8k", { maxTokens: 8000 }, 500),
      (error: unknown) => {
        assert.ok(error instanceof ContextOverflowError);
        assert.equal(error.limit, 8192);
        assert.equal(error.requested, 8500);
        assert.equal(error.overflow, 308);
        assert.match(error.message, /by 308 tokens/);
        return true;
      },
    );
    const clamped = decide("moonshot-v1-8k", {}, 500);
    assert.equal(clamped.params.max_tokens, 7692);
    assert.match(clamped.adjustments.join(";"), /clamped from 32768 to 7692/);
    assert.throws(() => decide("moonshot-v1-8k", {}, 9000), ContextOverflowError);
  });

  it("unknown model ids: sent as-is, no default temperature, generic ranges only", () => {
    const { params } = decide(
      "kimi-k9",
      { thinking: { type: "enabled", keep: "all" }, toolChoice: "required" },
      10_000_000,
    );
    assert.deepEqual(params, {
      thinking: { type: "enabled", keep: "all" },
      tool_choice: "required",
      max_tokens: 32768,
    });
    assert.equal(decide("kimi-k9", { temperature: 0.2 }).params.temperature, 0.2);
  });
});

describe("request policy end to end", () => {
  let emu: RunningEmulator;
  let kimi: Kimi;
  /** The 2025 lineup, for moonshot-v1's small window and its temperature default. */
  let emu2025: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ seed: 3 });
    kimi = createKimi({ apiKey: "sk-policy", baseURL: emu.baseURL, env: {} });
    emu2025 = await startEmulator({ seed: 3, lineup: "2025-10" });
  });
  after(async () => {
    await emu.close();
    await emu2025.close();
  });

  it("refused requests never reach the service", async () => {
    emu.clearRequests();
    await assert.rejects(
      kimi.chat({ model: "kimi-k2.6", temperature: 0.7, messages }),
      InvalidRequestError,
    );
    await assert.rejects(
      kimi.stream({ model: "kimi-k2.6", temperature: 0.7, messages }).result,
      InvalidRequestError,
    );
    await assert.rejects(
      kimi.chat({ model: "moonshot-v1-8k", maxTokens: 9000, messages }),
      ContextOverflowError,
    );
    assert.equal(emu.requests.length, 0);
  });

  it("the clamped default max tokens is what the service receives, and it accepts it", async () => {
    const long = [{ role: "user" as const, content: "word ".repeat(3000) }];
    const kimi = createKimi({ apiKey: "sk-policy", baseURL: emu2025.baseURL, env: {} });
    const result = await kimi.chat({ model: "moonshot-v1-8k", messages: long });
    const sent = emu2025.requests.at(-1)?.body as { max_tokens: number; temperature: number };
    assert.equal(sent.max_tokens, 8192 - estimatePromptTokens(long));
    assert.equal(sent.temperature, 0.5);
    assert.equal(result.finishReason, "stop");
  });

  it("fixed-sampling model with a configured KIMI_TEMPERATURE succeeds (default not sent)", async () => {
    const custom = createKimi({
      apiKey: "sk-policy",
      baseURL: emu.baseURL,
      env: { KIMI_TEMPERATURE: "0.3" },
    });
    const result = await custom.chat({ model: "kimi-k2.6", messages });
    const sent = emu.requests.at(-1)?.body as { temperature?: number } | undefined;
    assert.ok(sent);
    assert.equal(sent.temperature, undefined);
    assert.ok(result.content.length > 0);
  });
});
