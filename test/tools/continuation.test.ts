import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createKimi } from "../../src/client.ts";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import { continueOnLength } from "../../src/tools/continuation.ts";
import { type ScriptedServer, startScriptedServer } from "./scripted-server.ts";

let emu: RunningEmulator;
let scripted: ScriptedServer;
before(async () => {
  emu = await startEmulator({ seed: 5 });
  scripted = await startScriptedServer([
    { content: "The first half", finishReason: "length" },
    { content: " and the second half.", finishReason: "stop" },
    { content: " upon a time", finishReason: "length" },
    { content: " there was a model.", finishReason: "stop" },
  ]);
});
after(async () => {
  await emu.close();
  await scripted.close();
});

describe("continueOnLength", () => {
  it("continues a cut answer in partial mode and joins the parts", async () => {
    const kimi = createKimi({
      apiKey: "sk-test",
      baseURL: scripted.baseURL,
      env: {},
      maxRetries: 0,
    });
    const answer = await continueOnLength(kimi, {
      model: "kimi-k2-0905-preview",
      messages: [{ role: "user", content: "Write a lot" }],
    });
    assert.equal(answer.text, "The first half and the second half.");
    assert.deepEqual(answer.parts, ["The first half", " and the second half."]);
    assert.equal(answer.continuations, 1);
    assert.equal(answer.truncated, false);
    assert.deepEqual(scripted.bodies[1]?.messages, [
      { role: "user", content: "Write a lot" },
      { role: "assistant", content: "The first half", partial: true },
    ]);
  });

  it("continues a request that already ends in the caller's own partial prefix", async () => {
    const kimi = createKimi({
      apiKey: "sk-test",
      baseURL: scripted.baseURL,
      env: {},
      maxRetries: 0,
    });
    const answer = await continueOnLength(kimi, {
      model: "kimi-k2-0905-preview",
      messages: [
        { role: "user", content: "Tell a story" },
        { role: "assistant", content: "Once", partial: true },
      ],
    });
    assert.equal(answer.text, "Once upon a time there was a model.");
    assert.equal(answer.continuations, 1);
    assert.deepEqual(scripted.bodies[3]?.messages, [
      { role: "user", content: "Tell a story" },
      { role: "assistant", content: "Once upon a time", partial: true },
    ]);
  });

  it("stops after maxContinuations against the emulator and says the answer is still cut", async () => {
    const kimi = createKimi({ apiKey: "sk-test", baseURL: emu.baseURL, env: {}, maxRetries: 0 });
    const answer = await continueOnLength(
      kimi,
      {
        // Thinking off: a 3-token cap would otherwise be spent on reasoning.
        model: "kimi-k2.6",
        thinking: false,
        messages: [{ role: "user", content: "Essay" }],
        maxTokens: 3,
      },
      { maxContinuations: 2, requestOptions: { headers: { "x-emulator-reply-tokens": "10" } } },
    );
    const sent = emu.requests.map((r) => r.body as { messages: Record<string, unknown>[] });
    assert.equal(sent.length, 3);
    assert.equal(answer.continuations, 2);
    assert.equal(answer.truncated, true);
    assert.equal(answer.finishReason, "length");
    assert.equal(answer.text, answer.parts.join(""));
    assert.deepEqual(sent[2]?.messages.at(-1), {
      role: "assistant",
      content: `${answer.parts[0]}${answer.parts[1]}`,
      partial: true,
    });
    assert.ok(emu.requests.every((r) => r.status === 200));
  });
});
