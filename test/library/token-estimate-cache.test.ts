import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ChatMessage } from "../../src/chat/types.ts";
import { createKimi } from "../../src/client.ts";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { TokenEstimateCache } from "../../src/tokens/estimate-cache.ts";
import {
  type EstimableMessage,
  estimateMessageTokens,
  estimatePromptTokens,
  estimateTextTokens,
} from "../../src/tokens/local-estimator.ts";
import { preSendPromptTokens } from "../../src/tokens/pre-send-estimate.ts";
import { jsonLengthBound, promptTokensUpperBound } from "../../src/tokens/prompt-token-bound.ts";
import { seededRandom } from "./helpers/seeded-random.ts";

// Pieces from every character class the estimator tells apart, plus JSON escapes, astral
// characters and a lone surrogate.
const PIECES = [
  "the",
  "model",
  "answers",
  " ",
  "  ",
  "\n",
  "\r\n\t",
  "42",
  "1234567",
  "3.14",
  ",",
  "!?",
  '"quoted"',
  "back\\slash",
  "\u0001",
  "更多中文字符",
  "こんにちは",
  "한국어",
  "，。",
  "café",
  "Ωμέγα",
  "😀",
  "\ud800",
  '{"a":1}',
  "hello-world",
];

function text(next: () => number, maxPieces: number): string {
  let out = "";
  const count = Math.floor(next() * maxPieces);
  for (let i = 0; i < count; i++) out += PIECES[Math.floor(next() * PIECES.length)];
  return out;
}

function message(next: () => number, index: number): EstimableMessage {
  const kind = Math.floor(next() * 6);
  switch (kind) {
    case 0:
      return { role: "system", content: text(next, 80) };
    case 1:
      return {
        role: "user",
        content: [
          { type: "text", text: text(next, 40) },
          { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
          { type: "text", text: text(next, 200) },
        ],
      };
    case 2:
      return {
        role: "assistant",
        content: next() < 0.5 ? null : text(next, 20),
        reasoning_content: text(next, 60),
        tool_calls: [
          {
            id: `call_${index}`,
            type: "function",
            function: {
              name: "lookup",
              arguments: JSON.stringify({ q: text(next, 10), n: index }),
            },
          },
        ],
      };
    case 3:
      return { role: "tool", tool_call_id: `call_${index}`, content: text(next, 120) };
    case 4:
      return {
        role: "user",
        name: "ana",
        content: [{ type: "video_url", video_url: { url: "x" } }],
      };
    default:
      return { role: "user", content: text(next, 300) };
  }
}

const TOOLS = [
  {
    type: "function",
    function: {
      name: "lookup",
      description: 'Looks a word up; "quoted" and 中文 in the description.',
      parameters: {
        type: "object",
        properties: { q: { type: "string" }, n: { type: "number", minimum: -1.5e300 } },
        required: ["q"],
      },
    },
  },
];

describe("token estimate cache", () => {
  it("gives exactly the uncached estimate on varied inputs, first and repeated sends", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const next = seededRandom(seed);
      const cache = new TokenEstimateCache({ maxTextChars: 4096, minTextLength: 8 });
      const history: EstimableMessage[] = [];
      for (let turn = 0; turn < 25; turn++) {
        history.push(message(next, turn));
        const tools = turn % 2 === 0 ? TOOLS : undefined;
        const expected = estimatePromptTokens(history, tools);
        assert.equal(cache.promptTokens(history, tools), expected, `seed ${seed} turn ${turn}`);
        // Again (all hits), and with the history rebuilt as new objects (text layer only).
        assert.equal(cache.promptTokens(history, tools), expected);
        const rebuilt = history.map((entry) => ({ ...entry }));
        assert.equal(cache.promptTokens(rebuilt, tools), expected);
      }
      for (const entry of history) {
        assert.equal(cache.messageTokens(entry), estimateMessageTokens(entry));
      }
      assert.ok(cache.textChars <= 4096);
    }
  });

  it("re-estimates a message whose fields were replaced or edited in place", () => {
    const cache = new TokenEstimateCache({ minTextLength: 1 });
    const fresh = (entry: EstimableMessage) => estimateMessageTokens(entry);
    const user: EstimableMessage = { role: "user", content: "short question" };
    assert.equal(cache.messageTokens(user), fresh(user));
    user.content = "a much longer question, with 中文 and numbers 12345 in it";
    assert.equal(cache.messageTokens(user), fresh(user));
    user.name = "bob";
    assert.equal(cache.messageTokens(user), fresh(user));
    user.role = "system";
    assert.equal(cache.messageTokens(user), fresh(user));

    const parts = [{ type: "text", text: "look at this" }];
    const multi: EstimableMessage = { role: "user", content: parts };
    assert.equal(cache.messageTokens(multi), fresh(multi));
    parts.push({ type: "image_url", text: "" });
    assert.equal(cache.messageTokens(multi), fresh(multi));
    const first = parts[0];
    assert.ok(first);
    first.text = "look at this, and at this much longer text as well";
    assert.equal(cache.messageTokens(multi), fresh(multi));
    first.type = "image_url";
    assert.equal(cache.messageTokens(multi), fresh(multi));

    const call = { id: "call_1", type: "function", function: { name: "f", arguments: '{"a"' } };
    const assistant: EstimableMessage = { role: "assistant", content: "", tool_calls: [call] };
    assert.equal(cache.messageTokens(assistant), fresh(assistant));
    call.function.arguments += ':"a long argument value that grows while it streams"}';
    assert.equal(cache.messageTokens(assistant), fresh(assistant));
    call.function.name = "another_function_name";
    assert.equal(cache.messageTokens(assistant), fresh(assistant));
    call.id = "call_2_with_a_longer_id";
    assert.equal(cache.messageTokens(assistant), fresh(assistant));
    assistant.reasoning_content = "now it reasons, too";
    assert.equal(cache.messageTokens(assistant), fresh(assistant));
    assistant.tool_calls = undefined;
    assert.equal(cache.messageTokens(assistant), fresh(assistant));
  });

  it("documents the edits it does not see: deeper fields of a tool call, edited in place", () => {
    const cache = new TokenEstimateCache({ minTextLength: 1 });
    const call = { id: "c", type: "function", function: { name: "f", arguments: "{}" } };
    const assistant: EstimableMessage = { role: "assistant", content: "", tool_calls: [call] };
    const before = cache.messageTokens(assistant);
    call.type = "function with a much longer type that the cache does not compare";
    // Documented in estimate-cache.ts: such parts of a sent message are treated as immutable.
    assert.equal(cache.messageTokens(assistant), before);
    assert.notEqual(estimateMessageTokens(assistant), before);
    // A new message object (or a new tool_calls array) is estimated afresh.
    const copy = { ...assistant, tool_calls: [call] };
    assert.equal(cache.messageTokens(copy), estimateMessageTokens(copy));
  });

  it("keeps its text layer within maxTextChars, oldest texts out first", () => {
    const cache = new TokenEstimateCache({ maxTextChars: 1000, minTextLength: 10 });
    const texts = Array.from({ length: 50 }, (_, i) => `${i} ${"lorem ipsum ".repeat(5)}`);
    for (const entry of texts) assert.equal(cache.textTokens(entry), estimateTextTokens(entry));
    assert.ok(cache.textChars <= 1000, `${cache.textChars}`);
    assert.ok(cache.textChars > 900, `${cache.textChars}`);
    const huge = "x".repeat(2000);
    assert.equal(cache.textTokens(huge), estimateTextTokens(huge));
    assert.ok(cache.textChars <= 1000);
  });
});

describe("prompt token upper bound", () => {
  it("is never below the estimate, on varied inputs", () => {
    for (let seed = 100; seed < 160; seed++) {
      const next = seededRandom(seed);
      const history = Array.from({ length: 12 }, (_, i) => message(next, i));
      const tools = seed % 2 === 0 ? TOOLS : undefined;
      const bound = promptTokensUpperBound(history, tools);
      assert.ok(Number.isFinite(bound));
      assert.ok(bound >= estimatePromptTokens(history, tools), `seed ${seed}`);
      for (let i = 0; i < 30; i++) {
        const value = text(next, 50);
        assert.ok(value.length >= estimateTextTokens(value));
        assert.ok(jsonLengthBound(value) >= JSON.stringify(value).length);
      }
    }
    const odd = { a: [1, -1.7976931348623157e308, true, null, undefined, "\u0000\u001f"], b: {} };
    assert.ok(jsonLengthBound(odd) >= JSON.stringify(odd).length);
    assert.equal(jsonLengthBound({ when: new Date(0) }), Number.POSITIVE_INFINITY);
  });

  it("decides like the estimate: the bound only when it fits the room", () => {
    const history = [{ role: "user", content: "word ".repeat(3000) }];
    const estimate = estimatePromptTokens(history);
    const bound = promptTokensUpperBound(history);
    assert.ok(bound > estimate);
    assert.deepEqual(preSendPromptTokens(history, undefined, bound), {
      tokens: bound,
      exact: false,
    });
    assert.deepEqual(preSendPromptTokens(history, undefined, undefined), {
      tokens: bound,
      exact: false,
    });
    const cache = new TokenEstimateCache();
    assert.deepEqual(preSendPromptTokens(history, undefined, bound - 1, cache), {
      tokens: estimate,
      exact: true,
    });
  });
});

describe("pre-send context check with the cache, over HTTP", () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ seed: 5, lineup: "2025-10" });
  });
  after(async () => {
    await emu.close();
  });

  it("a session resending a growing history gets the max_tokens the estimate decides", async () => {
    const kimi = createKimi({ apiKey: "sk-cache", baseURL: emu.baseURL, env: {} });
    const history: ChatMessage[] = [{ role: "system", content: "Answer briefly." }];
    // moonshot-v1-8k: 8,192 tokens and a default cap of 32,768, so every send is clamped to
    // what the estimate leaves; each turn adds ~600 tokens until the window is nearly full.
    for (let turn = 0; turn < 10; turn++) {
      history.push({
        role: "user",
        content: `turn ${turn}: ${"word ".repeat(3000)}`.slice(0, 3000),
      });
      if (turn === 5) {
        // An earlier message edited in place must be counted as it is now.
        const first = history[1];
        assert.ok(first);
        first.content = "replaced by a much shorter question";
      }
      const result = await kimi.chat({ model: "moonshot-v1-8k", messages: history });
      const sent = emu.requests.at(-1)?.body as { max_tokens: number };
      assert.equal(sent.max_tokens, 8192 - estimatePromptTokens(history), `turn ${turn}`);
      history.push({ role: "assistant", content: result.content });
    }
  });

  it("a request far from the window is sent with the configured cap, unchanged", async () => {
    const kimi = createKimi({ apiKey: "sk-cache", baseURL: emu.baseURL, env: {} });
    const messages: ChatMessage[] = [{ role: "user", content: "Hello there." }];
    await kimi.chat({ model: "moonshot-v1-128k", messages });
    const sent = emu.requests.at(-1)?.body as { max_tokens: number };
    assert.equal(sent.max_tokens, 32_768);
  });
});
