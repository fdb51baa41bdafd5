/**
 * Model-aware requests for the 2026 lineup (against the emulator): reasoning_effort, logprobs,
 * logit_bias, thinking on always-thinking models, and the output cap of thinking models.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { ChatRequest } from "../../src/chat/types.ts";
import type { KimiWarning } from "../../src/chat/warnings.ts";
import { createKimi, type Kimi } from "../../src/client.ts";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { InvalidRequestError } from "../../src/errors/error-classes.ts";
import { THINKING_MIN_OUTPUT_TOKENS } from "../../src/models/policy/output-cap.ts";

let emu: RunningEmulator;
let kimi: Kimi;
const warnings: KimiWarning[] = [];
before(async () => {
  emu = await startEmulator({ seed: 5 });
  kimi = createKimi({
    apiKey: "sk-requests-test",
    baseURL: emu.baseURL,
    env: {},
    onWarning: (warning) => warnings.push(warning),
  });
});
after(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.clearRequests();
  warnings.length = 0;
});

const messages = [{ role: "user" as const, content: "Say hello" }];

function body(n = 0): Record<string, unknown> {
  const request = emu.requests[n];
  assert.ok(request, `request ${n} was not received`);
  return request.body as Record<string, unknown>;
}

/** Asserts `request` is refused before sending with exactly `message`. */
async function refused(request: ChatRequest, message: string): Promise<void> {
  await assert.rejects(
    kimi.chat(request),
    (error: unknown) =>
      error instanceof InvalidRequestError &&
      error.code === "invalid_request" &&
      error.status === undefined &&
      error.message === message,
  );
  assert.equal(emu.requests.length, 0, "nothing may be sent");
}

describe("reasoningEffort", () => {
  for (const effort of ["low", "high", "max"] as const) {
    it(`is sent to kimi-k3 as reasoning_effort "${effort}"`, async () => {
      const result = await kimi.chat({ model: "kimi-k3", reasoningEffort: effort, messages });
      assert.equal(body().reasoning_effort, effort);
      assert.equal(result.model, "kimi-k3");
    });
  }

  it("is refused on kimi-k2.6, naming the models that take it", async () => {
    await refused(
      { model: "kimi-k2.6", reasoningEffort: "high", messages },
      "kimi-k2.6 does not take `reasoningEffort` (reasoning_effort): only kimi-k3 takes it. Remove it, or use kimi-k3. Nothing was sent.",
    );
  });

  it("is refused on kimi-k2.7-code too", async () => {
    await refused(
      { model: "kimi-k2.7-code", reasoningEffort: "low", messages },
      "kimi-k2.7-code does not take `reasoningEffort` (reasoning_effort): only kimi-k3 takes it. Remove it, or use kimi-k3. Nothing was sent.",
    );
  });

  it("an unknown value is refused on any model", async () => {
    await refused(
      { model: "kimi-k3", reasoningEffort: "medium" as "low", messages },
      '`reasoningEffort` is "medium": use one of low, high, max. Nothing was sent.',
    );
  });

  it("is sent as given to a model the catalog does not know (the service decides)", async () => {
    await kimi
      .chat({ model: "kimi-k9-preview", reasoningEffort: "low", messages })
      .catch(() => undefined);
    assert.equal(body().reasoning_effort, "low");
  });
});

describe("logprobs, topLogprobs, logitBias", () => {
  it("are sent to a model that takes them (kimi-k2.6)", async () => {
    await kimi.chat({
      model: "kimi-k2.6",
      logprobs: true,
      topLogprobs: 3,
      logitBias: { "1234": -100 },
      messages,
    });
    assert.equal(body().logprobs, true);
    assert.equal(body().top_logprobs, 3);
    assert.deepEqual(body().logit_bias, { "1234": -100 });
  });

  it("K3: logprobs true is refused", async () => {
    await refused(
      { model: "kimi-k3", logprobs: true, messages },
      'kimi-k3 does not return log probabilities (Moonshot answers "only false is allowed" for logprobs). Remove `logprobs` and `topLogprobs`, or use kimi-k2.6. Nothing was sent.',
    );
  });

  it("K3: any logitBias is refused", async () => {
    await refused(
      { model: "kimi-k3", logitBias: {}, messages },
      'kimi-k3 does not support `logitBias` (Moonshot answers "logit_bias is not supported yet"). Remove it, or use kimi-k2.6. Nothing was sent.',
    );
  });

  it("K3: topLogprobs without logprobs is refused", async () => {
    await refused(
      { model: "kimi-k3", topLogprobs: 2, messages },
      "`topLogprobs` needs `logprobs: true`: set both, or remove `topLogprobs`. Nothing was sent.",
    );
  });

  it("K3: logprobs false is what the service allows, and is sent", async () => {
    await kimi.chat({ model: "kimi-k3", logprobs: false, messages });
    assert.equal(body().logprobs, false);
  });

  it("out-of-range values are refused on any model", async () => {
    await refused(
      { model: "kimi-k2.6", logprobs: true, topLogprobs: 21, messages },
      "`topLogprobs` is 21: use a whole number from 0 to 20. Nothing was sent.",
    );
    await refused(
      { model: "kimi-k2.6", logitBias: { "7": 101 }, messages },
      "`logitBias` for token 7 is 101: use a number from -100 to 100. Nothing was sent.",
    );
  });
});

describe("thinking on always-thinking models", () => {
  for (const model of ["kimi-k2.7-code", "kimi-k2.7-code-highspeed", "kimi-k3"]) {
    it(`${model}: thinking false is refused before sending`, async () => {
      await refused(
        { model, thinking: false, messages },
        `${model} always reasons: Moonshot refuses \`thinking: {type: "disabled"}\` for it. Remove \`thinking: false\`, or use kimi-k2.6, the online model that can turn thinking off. Nothing was sent.`,
      );
    });
  }

  it("kimi-k2.6 may turn thinking off (sent as the wire object)", async () => {
    const result = await kimi.chat({ model: "kimi-k2.6", thinking: false, messages });
    assert.deepEqual(body().thinking, { type: "disabled" });
    assert.equal(result.reasoningContent, null);
  });
});

describe("output cap of thinking models", () => {
  it(`the minimum is ${THINKING_MIN_OUTPUT_TOKENS}`, () => {
    assert.equal(THINKING_MIN_OUTPUT_TOKENS, 16_000);
  });

  it("the built-in default (32768) is sent unchanged, with no warning", async () => {
    const result = await kimi.chat({ model: "kimi-k2.6", messages });
    assert.equal(body().max_tokens, 32768);
    assert.deepEqual(result.warnings, []);
  });

  it("a small configured default (KIMI_MAX_TOKENS) is raised to 16000 on a thinking model, and said so", async () => {
    const raised: KimiWarning[] = [];
    const small = createKimi({
      apiKey: "sk-requests-test",
      baseURL: emu.baseURL,
      env: { KIMI_MAX_TOKENS: "1024" },
      onWarning: (warning) => raised.push(warning),
    });
    await small.chat({ model: "kimi-k3", messages });
    assert.equal(body(0).max_tokens, 16000);
    assert.deepEqual(raised, [
      {
        code: "max-tokens-raised-for-thinking",
        message:
          "The configured output cap (KIMI_MAX_TOKENS / maxTokens option) of 1024 is too small for kimi-k3, which reasons before it answers; 16000 was sent instead. Pass `maxTokens` on the request to send a smaller cap anyway.",
        model: "kimi-k3",
        configured: 1024,
        sent: 16000,
      },
    ]);
    // Not on a model that does not think: kimi-k2.6 with thinking off keeps 1024.
    await small.chat({ model: "kimi-k2.6", thinking: false, messages });
    assert.equal(body(1).max_tokens, 1024);
    assert.equal(raised.length, 1);
  });

  it("an explicit small maxTokens is sent as given, with a warning; an empty answer at the cap is flagged", async () => {
    const result = await kimi.chat({ model: "kimi-k2.6", maxTokens: 8, messages });
    assert.equal(body().max_tokens, 8);
    assert.equal(result.finishReason, "length");
    assert.equal(result.content, "");
    assert.deepEqual(
      warnings.map((warning) => warning.code),
      ["max-tokens-low-for-thinking", "output-spent-on-reasoning"],
    );
    assert.deepEqual(warnings[0], {
      code: "max-tokens-low-for-thinking",
      message:
        'maxTokens 8 is small for kimi-k2.6, which reasons before it answers: reasoning counts against the cap and may use all of it, leaving an empty answer (finish_reason "length"). Moonshot recommends at least 16000 on thinking models; sent as given.',
      model: "kimi-k2.6",
      maxTokens: 8,
      recommended: 16000,
    });
    assert.deepEqual(result.warnings, warnings);
  });

  it("the same on a stream", async () => {
    const stream = kimi.stream({ model: "kimi-k2.7-code", maxTokens: 16, messages });
    for await (const _ of stream) {
      // drain
    }
    const result = await stream.result;
    assert.equal(body().max_tokens, 16);
    assert.equal(result.finishReason, "length");
    assert.deepEqual(
      result.warnings.map((warning) => warning.code),
      ["max-tokens-low-for-thinking", "output-spent-on-reasoning"],
    );
  });
});
