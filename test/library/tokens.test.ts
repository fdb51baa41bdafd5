import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createKimi } from "../../src/client.ts";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { AbortError } from "../../src/errors/error-classes.ts";
import { estimatePromptTokens } from "../../src/tokens/local-estimator.ts";
import { errorBody, type ScriptedServer, startScriptedServer } from "./helpers/scripted-server.ts";

const messages = [{ role: "user" as const, content: "How many tokens is this sentence?" }];

describe("token counting", () => {
  let emu: RunningEmulator;
  let failing: ScriptedServer;
  before(async () => {
    emu = await startEmulator();
    failing = await startScriptedServer([{ status: 500, body: errorBody("server_error", "boom") }]);
  });
  after(async () => {
    await emu.close();
    await failing.close();
  });

  it("count() asks the service and says so", async () => {
    const kimi = createKimi({ apiKey: "sk-t", baseURL: emu.baseURL, env: {} });
    const counted = await kimi.tokens.count({ model: "kimi-k2.6", messages });
    assert.equal(counted.source, "service");
    assert.equal(counted.tokens, estimatePromptTokens(messages)); // the emulator uses the same estimator
    const request = emu.requests.at(-1);
    assert.equal(request?.path, "/v1/tokenizers/estimate-token-count");
    assert.deepEqual(request?.body, { model: "kimi-k2.6", messages });
  });

  it("count() falls back to the local estimate on failure and says why", async () => {
    const kimi = createKimi({ apiKey: "sk-t", baseURL: failing.baseURL, env: {} });
    const counted = await kimi.tokens.count({ messages });
    assert.equal(counted.source, "local");
    assert.equal(counted.tokens, estimatePromptTokens(messages));
    assert.match(counted.fallbackReason ?? "", /server_error/);
    assert.equal(failing.requests.length, 1);
    const offline = await createKimi({ env: {} }).tokens.count({ messages });
    assert.equal(offline.source, "local");
    assert.match(offline.fallbackReason ?? "", /KIMI_API_KEY/);
  });

  it("count() propagates the caller's abort", async () => {
    const kimi = createKimi({ apiKey: "sk-t", baseURL: emu.baseURL, env: {} });
    await assert.rejects(
      kimi.tokens.count({ messages }, { signal: AbortSignal.abort() }),
      AbortError,
    );
  });

  it("estimate() and checkContext()", () => {
    const kimi = createKimi({ env: {} });
    const prompt = kimi.tokens.estimate({ messages });
    assert.equal(prompt, estimatePromptTokens(messages));
    const fits = kimi.tokens.checkContext({ model: "moonshot-v1-8k", messages, maxTokens: 1000 });
    assert.deepEqual(fits, {
      promptTokens: prompt,
      maxTokens: 1000,
      contextWindow: 8192,
      fits: true,
      overflowBy: 0,
      availableForOutput: 8192 - prompt,
    });
    const over = kimi.tokens.checkContext({ model: "moonshot-v1-8k", messages });
    assert.equal(over.fits, false);
    assert.equal(over.overflowBy, prompt + 32768 - 8192);
  });
});
