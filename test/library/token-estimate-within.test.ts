/**
 * The pre-send check counts a long prompt only as far as its decision needs: it tightens the
 * cheap bound part by part and stops once the request is shown to fit. These tests hold it to
 * the estimate's decisions and numbers: a bound only when it fits, the estimate itself otherwise.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ChatMessage } from "../../src/chat/types.ts";
import { createKimi } from "../../src/client.ts";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { ContextOverflowError } from "../../src/errors/error-classes.ts";
import { TokenEstimateCache } from "../../src/tokens/estimate-cache.ts";
import {
  type EstimableMessage,
  estimatePromptTokens,
  estimateTextTokens,
  estimateTextTokensWithin,
} from "../../src/tokens/local-estimator.ts";
import { preSendPromptTokens } from "../../src/tokens/pre-send-estimate.ts";
import { promptTokensUpperBound } from "../../src/tokens/prompt-token-bound.ts";
import { seededRandom } from "./helpers/seeded-random.ts";

const PIECES = [
  "The quick brown fox checks the build log, ",
  "finds 3 warnings in module 42. ",
  "antidisestablishmentarianism ",
  "\n\n",
  "   ",
  "更多中文字符，这是一个测试。",
  "こんにちは",
  "café naïve ",
  "😀👍🏽",
  "\ud800",
  '{"a":[1,2]}',
  "!!!???",
];

function text(next: () => number, pieces: number): string {
  let out = "";
  for (let i = 0; i < pieces; i++) out += PIECES[Math.floor(next() * PIECES.length)];
  return out;
}

const TOOLS = [
  {
    type: "function",
    function: {
      name: "lookup",
      description: "Looks a word up in the index.",
      parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
    },
  },
];

const ENGLISH =
  "The quick brown fox checks the build log, finds 3 warnings in module 42, and reports back. ";

describe("estimateTextTokensWithin", () => {
  it("is the estimate, or a bound between the estimate and the limit", () => {
    const next = seededRandom(21);
    for (let round = 0; round < 400; round++) {
      const value = text(next, Math.floor(next() * 120));
      const estimate = estimateTextTokens(value);
      const limits = [
        -1,
        0,
        estimate - 1,
        estimate,
        estimate + 1,
        value.length - 1,
        value.length,
        Math.floor(next() * (value.length + 1)),
      ];
      for (const limit of limits) {
        const found = estimateTextTokensWithin(value, limit);
        if (found.exact) {
          assert.equal(found.tokens, estimate, `round ${round} limit ${limit}`);
        } else {
          assert.ok(found.tokens >= estimate, `round ${round} limit ${limit}`);
          assert.ok(found.tokens <= limit, `round ${round} limit ${limit}`);
        }
        // Under the estimate no bound can be at most the limit: the estimate itself comes back.
        if (limit < estimate) assert.deepEqual(found, { tokens: estimate, exact: true });
      }
    }
  });

  it("stops early on a long text whose bound fits: a 1 MiB prompt 50,000 tokens from its limit", () => {
    const long = ENGLISH.repeat(Math.ceil(1_048_576 / ENGLISH.length)).slice(0, 1_048_576);
    const estimate = estimateTextTokens(long);
    const limit = long.length - 50_000;
    const found = estimateTextTokensWithin(long, limit);
    assert.equal(found.exact, false);
    assert.ok(found.tokens <= limit && found.tokens >= estimate, `${found.tokens}`);
    // 22 tokens every 91 characters: the bound fits after about 50,000 / (1 - 22/91) characters,
    // so it is still close to the length, nowhere near the estimate.
    assert.ok(found.tokens > limit - 100, `${found.tokens}`);
  });
});

describe("pre-send check: the bound tightened part by part", () => {
  it("decides like the estimate and gives the estimate whenever the request does not fit", () => {
    for (let seed = 1; seed <= 30; seed++) {
      const next = seededRandom(seed);
      const history: EstimableMessage[] = Array.from({ length: 1 + (seed % 7) }, (_, i) => ({
        role: i % 2 === 0 ? "user" : "assistant",
        content: text(next, 3 + Math.floor(next() * 10)),
      }));
      // A long prompt last (counted only as far as needed), sometimes a long one first.
      history.push({ role: "user", content: text(next, 1500 + Math.floor(next() * 1500)) });
      if (seed % 3 === 0) history.unshift({ role: "system", content: text(next, 600) });
      const tools = seed % 2 === 0 ? TOOLS : undefined;
      const estimate = estimatePromptTokens(history, tools);
      const bound = promptTokensUpperBound(history, tools);
      const rooms = [bound, bound - 1, estimate + 3, estimate + 2, estimate + 1, estimate];
      for (let i = 0; i < 8; i++) rooms.push(estimate + Math.floor(next() * (bound - estimate)));
      rooms.push(estimate - 1);
      // Loosest room first, so the shared caches remember bounds that later rooms must not take.
      rooms.sort((x, y) => y - x);
      const remembering = new TokenEstimateCache();
      for (const room of rooms) {
        const fresh = new TokenEstimateCache();
        for (const cache of [fresh, remembering]) {
          const found = preSendPromptTokens(history, tools, room, cache);
          const where = `seed ${seed} room ${room} (estimate ${estimate}, bound ${bound})`;
          assert.equal(found.tokens <= room, estimate <= room, where);
          if (estimate > room || found.exact) {
            assert.deepEqual(found, { tokens: estimate, exact: true }, where);
          } else {
            assert.ok(found.tokens >= estimate && found.tokens <= room, where);
          }
        }
        // What the fresh cache remembered as bounds never passes for an estimate.
        for (const entry of history) {
          const content = entry.content as string;
          assert.equal(fresh.textTokens(content), estimateTextTokens(content));
          assert.equal(fresh.messageTokens(entry), new TokenEstimateCache().messageTokens(entry));
        }
        assert.equal(fresh.promptTokens(history, tools), estimate, `seed ${seed}`);
      }
    }
  });
});

describe("pre-send check of a long prompt near the window, over HTTP", () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ seed: 9, lineup: "2025-10" });
  });
  after(async () => {
    await emu.close();
  });

  it("sends when the estimate leaves room, and refuses with the estimate when it does not", async () => {
    const kimi = createKimi({ apiKey: "sk-within", baseURL: emu.baseURL, env: {} });
    // moonshot-v1-128k: 131,072 tokens. ~300,000 characters of prose are ~72,500 estimated
    // tokens, far under the bound of one token a character.
    const prompt = ENGLISH.repeat(3300);
    const messages: ChatMessage[] = [
      { role: "system", content: "Summarize." },
      { role: "user", content: prompt },
    ];
    const estimate = estimatePromptTokens(messages);
    assert.ok(estimate < 131_072 && prompt.length > 131_072, `${estimate}`);

    const roomy = 131_072 - estimate - 40_000;
    await kimi.chat({ model: "moonshot-v1-128k", messages, maxTokens: roomy });
    let sent = emu.requests.at(-1)?.body as { max_tokens: number; messages: unknown[] };
    assert.equal(sent.max_tokens, roomy);
    assert.deepEqual(sent.messages, messages);

    // Exactly the room the estimate leaves: still sent.
    const exact = 131_072 - estimate;
    await kimi.chat({ model: "moonshot-v1-128k", messages, maxTokens: exact });
    sent = emu.requests.at(-1)?.body as { max_tokens: number; messages: unknown[] };
    assert.equal(sent.max_tokens, exact);

    // One more: refused before sending, with the estimate in the message.
    const count = emu.requests.length;
    await assert.rejects(
      kimi.chat({ model: "moonshot-v1-128k", messages, maxTokens: exact + 1 }),
      (error: unknown) => {
        assert.ok(error instanceof ContextOverflowError);
        assert.equal(error.code, "context_overflow");
        assert.equal(error.requested, 131_073);
        assert.equal(
          error.message,
          `The prompt (about ${estimate} tokens) plus maxTokens ${exact + 1} exceeds moonshot-v1-128k's context window of 131072 tokens by 1 tokens. Shorten the conversation, lower maxTokens, or use a model with a larger window. Nothing was sent.`,
        );
        return true;
      },
    );
    assert.equal(emu.requests.length, count);

    // A fresh copy of the prompt (not cached) with a default cap: clamped to what is left.
    const copy: ChatMessage[] = [
      messages[0] as ChatMessage,
      { role: "user", content: `${prompt} ` },
    ];
    await kimi.chat({ model: "moonshot-v1-128k", messages: copy });
    sent = emu.requests.at(-1)?.body as { max_tokens: number; messages: unknown[] };
    assert.equal(sent.max_tokens, Math.min(32_768, 131_072 - estimatePromptTokens(copy)));
  });
});
