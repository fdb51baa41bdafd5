/**
 * Each Moonshot rule has one home, used by every caller: the tool-name pattern (policy and
 * `defineTool`), duplicate tool names and `$web_search` with thinking (policy and the tool loop).
 * And the policy's sections, composed, still decide the wire fields.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { z } from "zod";
import { createKimi } from "../../src/client.ts";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { InvalidRequestError } from "../../src/errors/error-classes.ts";
import * as internal from "../../src/internal.ts";
import { MODEL_CATALOG } from "../../src/models/catalog.ts";
import {
  duplicateToolName,
  TOOL_NAME_PATTERN,
  webSearchProblem,
} from "../../src/models/policy/tool-rules.ts";
import { applyRequestPolicy } from "../../src/models/policy.ts";
import { defineTool } from "../../src/tools/define-tool.ts";
import { runTools } from "../../src/tools/tool-loop.ts";

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seed: 9 });
});
after(() => emu.close());

const k26 = MODEL_CATALOG.find((model) => model.id === "kimi-k2.6");
const messages = [{ role: "user" as const, content: "hi" }];
const context = {
  modelId: "kimi-k2.6",
  model: k26,
  defaults: { temperature: 0.5, maxTokens: 32_768 },
  promptTokens: 10,
};

describe("one home per rule", () => {
  it("the tool-name pattern: the same object for the policy and defineTool", () => {
    assert.equal(internal.TOOL_NAME_PATTERN, TOOL_NAME_PATTERN);
    assert.throws(
      () =>
        defineTool({ name: "ab", description: "x", parameters: z.object({}), execute: () => "x" }),
      InvalidRequestError,
    );
    assert.throws(
      () =>
        applyRequestPolicy(
          { messages, tools: [{ type: "function", function: { name: "ab" } }] },
          context,
        ),
      (error: unknown) =>
        error instanceof InvalidRequestError &&
        error.message ===
          'Tool name "ab" is invalid: use 3-64 letters, digits, _ or -, starting with a letter or _. Nothing was sent.',
    );
  });

  it("duplicate tool names: one rule, refused by the policy and by the tool loop", async () => {
    assert.equal(duplicateToolName(["a_x", "b_x", "a_x"]), "a_x");
    assert.equal(duplicateToolName(["a_x", "b_x"]), undefined);
    assert.throws(
      () =>
        applyRequestPolicy(
          {
            messages,
            tools: [
              { type: "function", function: { name: "same" } },
              { type: "function", function: { name: "same" } },
            ],
          },
          context,
        ),
      /Tool "same" is declared twice: tool names must be unique\. Nothing was sent\./,
    );
    const tool = defineTool({
      name: "same",
      description: "x",
      parameters: z.object({}),
      execute: () => "x",
    });
    const kimi = createKimi({ apiKey: "sk-rules", baseURL: emu.baseURL, env: {} });
    emu.clearRequests();
    await assert.rejects(
      runTools(kimi, { messages, tools: [tool, tool] }).result,
      (error: unknown) =>
        error instanceof InvalidRequestError &&
        error.message ===
          'Two tools are named "same"; Moonshot rejects duplicate function names. Rename one.',
    );
    assert.equal(emu.requests.length, 0);
  });

  it("$web_search with thinking: one rule, refused by the policy and by the tool loop", async () => {
    assert.ok(k26);
    assert.equal(webSearchProblem(k26, true), "thinking");
    assert.equal(webSearchProblem(k26, false), undefined);
    assert.throws(
      () =>
        applyRequestPolicy(
          {
            messages,
            thinking: true,
            tools: [{ type: "builtin_function", function: { name: "$web_search" } }],
          },
          context,
        ),
      (error: unknown) =>
        error instanceof InvalidRequestError &&
        error.message ===
          "$web_search does not work with thinking on kimi-k2.6: pass `thinking: false`. Nothing was sent.",
    );
    const kimi = createKimi({ apiKey: "sk-rules", baseURL: emu.baseURL, env: {} });
    emu.clearRequests();
    await assert.rejects(
      runTools(kimi, { model: "kimi-k2.6", messages, webSearch: true, thinking: true }).result,
      (error: unknown) =>
        error instanceof InvalidRequestError &&
        error.message ===
          "$web_search is incompatible with thinking on kimi-k2.6. Drop `thinking` or web search.",
    );
    assert.equal(emu.requests.length, 0);
  });
});

describe("the policy's sections, composed", () => {
  it("thinking, sampling, tools and output cap each write their fields", () => {
    const decision = applyRequestPolicy(
      {
        messages,
        thinking: false,
        temperature: 0.6,
        toolChoice: "auto",
        tools: [{ type: "function", function: { name: "get_weather" } }],
      },
      context,
    );
    assert.equal(decision.thinking, false);
    assert.deepEqual(decision.params, {
      thinking: { type: "disabled" },
      tool_choice: "auto",
      max_tokens: 32_768,
    });
    assert.deepEqual(decision.adjustments, [
      "sampling parameters not sent: the model uses fixed sampling",
    ]);
    assert.deepEqual(decision.warnings, []);
  });
});
