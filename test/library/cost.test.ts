import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createKimi } from "../../src/client.ts";
import { UsageLedger } from "../../src/cost/ledger.ts";
import { computeCost } from "../../src/cost/pricing.ts";
import { extractUsage } from "../../src/cost/usage.ts";
import { findCatalogModel } from "../../src/models/catalog.ts";
import { type ScriptedServer, startScriptedServer } from "./helpers/scripted-server.ts";

const k2 = findCatalogModel("kimi-k2-0905-preview");
const v1 = findCatalogModel("moonshot-v1-8k");

describe("usage extraction", () => {
  it("top-level usage with cached_tokens at the top", () => {
    assert.deepEqual(
      extractUsage({
        usage: { prompt_tokens: 19, completion_tokens: 21, total_tokens: 40, cached_tokens: 10 },
      }),
      {
        promptTokens: 19,
        completionTokens: 21,
        totalTokens: 40,
        cachedTokens: 10,
        reasoningTokens: null,
      },
    );
  });
  it("cached under prompt_tokens_details, reasoning under completion_tokens_details", () => {
    assert.deepEqual(
      extractUsage({
        usage: {
          prompt_tokens: 21,
          completion_tokens: 60,
          total_tokens: 81,
          prompt_tokens_details: { cached_tokens: 21 },
          completion_tokens_details: { reasoning_tokens: 26 },
        },
      }),
      {
        promptTokens: 21,
        completionTokens: 60,
        totalTokens: 81,
        cachedTokens: 21,
        reasoningTokens: 26,
      },
    );
  });
  it("choices[0].usage on a finish chunk", () => {
    assert.equal(
      extractUsage({
        choices: [
          {
            index: 0,
            delta: {},
            finish_reason: "stop",
            usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
          },
        ],
      })?.totalTokens,
      6,
    );
    assert.equal(
      extractUsage({ choices: [{ index: 0, delta: { content: "x" } }], usage: null }),
      undefined,
    );
  });
});

describe("computeCost", () => {
  it("cached tokens at the hit price, the rest at the miss price", () => {
    const cost = computeCost(k2, {
      promptTokens: 1_000_000,
      completionTokens: 1_000_000,
      totalTokens: 2_000_000,
      cachedTokens: 400_000,
      reasoningTokens: null,
    });
    assert.deepEqual(cost, {
      model: "kimi-k2-0905-preview",
      input: 0.42,
      cachedInput: 0.06,
      uncachedInput: 0.36,
      output: 2.5,
      webSearch: 0,
      total: 2.92,
      currency: "USD",
    });
  });
  it("a model without a cache price bills all input at the miss price", () => {
    const cost = computeCost(v1, {
      promptTokens: 1000,
      completionTokens: 100,
      totalTokens: 1100,
      cachedTokens: 300,
      reasoningTokens: null,
    });
    assert.equal(cost.cachedInput, 0.00006);
    assert.equal(cost.input, 0.0002);
    assert.equal(cost.total, 0.0004);
  });
  it("unknown model: token costs null, web search still counted", () => {
    const cost = computeCost(
      undefined,
      {
        promptTokens: 10,
        completionTokens: 10,
        totalTokens: 20,
        cachedTokens: 0,
        reasoningTokens: null,
      },
      { webSearchCalls: 2 },
      "kimi-k9",
    );
    assert.equal(cost.total, null);
    assert.equal(cost.input, null);
    assert.equal(cost.webSearch, 0.01);
    assert.equal(cost.model, "kimi-k9");
  });
});

describe("usage ledger over HTTP", () => {
  let server: ScriptedServer;
  after(async () => {
    await server.close();
  });

  it("totals calls, cache hit rate, unpriced calls", async () => {
    const reply = (model: string, usage: Record<string, number>) => ({
      body: JSON.stringify({
        id: "chatcmpl-x",
        object: "chat.completion",
        created: 1,
        model,
        choices: [
          { index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" },
        ],
        usage,
      }),
    });
    server = await startScriptedServer([
      reply("kimi-k2.6", {
        prompt_tokens: 1000,
        completion_tokens: 100,
        total_tokens: 1100,
        cached_tokens: 500,
      }),
      reply("kimi-k2.6", {
        prompt_tokens: 1000,
        completion_tokens: 100,
        total_tokens: 1100,
        cached_tokens: 1000,
      }),
      reply("kimi-k9", { prompt_tokens: 50, completion_tokens: 5, total_tokens: 55 }),
    ]);
    const kimi = createKimi({ apiKey: "sk-l", baseURL: server.baseURL, env: {} });
    const messages = [{ role: "user" as const, content: "Hi" }];
    await kimi.chat({ messages });
    await kimi.chat({ messages });
    await kimi.chat({ model: "kimi-k9", messages });
    const snapshot = kimi.usage.snapshot();
    assert.equal(snapshot.requests, 3);
    assert.equal(snapshot.promptTokens, 2050);
    assert.equal(snapshot.cachedTokens, 1500);
    assert.equal(snapshot.cacheHitRate, 1500 / 2050);
    // kimi-k2.6: (500×0.95 + 500×0.16 + 100×4) + (1000×0.16 + 100×4), per million
    assert.equal(snapshot.costUsd, 0.001515);
    assert.equal(snapshot.unpricedRequests, 1);
    assert.equal(snapshot.byModel["kimi-k9"]?.requests, 1);
    kimi.usage.reset();
    assert.equal(kimi.usage.snapshot().requests, 0);
    const ledger = new UsageLedger();
    assert.equal(ledger.snapshot().cacheHitRate, 0);
  });
});
