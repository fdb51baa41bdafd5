/**
 * The stream accumulator on its own: `.sse` fixtures (the recorded captures and the library's
 * own) framed by eventsource-parser and fed payload by payload, no socket involved.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { createParser } from "eventsource-parser";
import type { ReceivedCompletion } from "../../src/chat/chat-result.ts";
import { StreamAccumulator } from "../../src/chat/stream-accumulator.ts";
import type { StreamEvent } from "../../src/chat/types.ts";
import {
  MalformedResponseError,
  RateLimitError,
  ResponseTooLargeError,
} from "../../src/errors/error-classes.ts";

const FIXTURES = join(import.meta.dirname, "../fixtures");
const SSE_FILES = [
  ...readdirSync(join(FIXTURES, "captures"))
    .filter((name) => name.endsWith(".sse"))
    .map((name) => join(FIXTURES, "captures", name)),
  ...readdirSync(join(FIXTURES, "library"))
    .filter((name) => name.endsWith(".sse"))
    .map((name) => join(FIXTURES, "library", name)),
];

function accumulator(maxTextLength = 1_000_000): StreamAccumulator {
  return new StreamAccumulator({
    maxTextLength,
    secrets: ["sk-secret-key-123456"],
    model: "kimi-k2.6",
    requestId: "req-acc",
    retryAfter: null,
  });
}

interface Run {
  acc: StreamAccumulator;
  events: StreamEvent[];
  completion: ReceivedCompletion;
}

/** Feeds an SSE text through the parser into a fresh accumulator, all at once. */
function feed(sse: string, maxTextLength?: number): Run {
  const acc = accumulator(maxTextLength);
  const parser = createParser({ onEvent: (message) => acc.add(message.data) });
  parser.feed(sse);
  parser.reset({ consume: true });
  return { acc, events: acc.takeEvents(), completion: acc.completion("req-acc") };
}

const byFile = (name: string): Run =>
  feed(readFileSync(SSE_FILES.find((file) => file.endsWith(name)) ?? name, "utf8"));

describe("the stream accumulator on .sse fixtures", () => {
  it("finds the recorded captures", () => {
    assert.ok(SSE_FILES.filter((file) => file.includes("captures")).length >= 6);
  });

  for (const file of SSE_FILES) {
    it(`${file.slice(FIXTURES.length + 1)}: completes, and its events spell out choice 0`, () => {
      const { acc, events, completion } = feed(readFileSync(file, "utf8"));
      assert.equal(acc.failure, undefined);
      assert.equal(acc.done, true);
      const first = completion.choices.find((choice) => choice.index === 0);
      assert.ok(first);
      const text = events.flatMap((e) => (e.type === "text-delta" ? [e.text] : [])).join("");
      assert.equal(text, first.content);
      assert.equal(acc.text, first.content);
      const reasoning = events
        .flatMap((e) => (e.type === "reasoning-delta" ? [e.text] : []))
        .join("");
      assert.equal(reasoning, first.reasoningContent ?? "");
      assert.deepEqual(
        events.flatMap((e) => (e.type === "tool-call" ? [e.toolCall] : [])),
        first.toolCalls,
      );
      assert.notEqual(completion.id, "");
      assert.equal(completion.requestId, "req-acc");
    });
  }

  it("B02 (kimi-k3 tool call): fragments joined by index, the id kept verbatim, both usages", () => {
    const { completion, events } = byFile("B02-k3-stream-tool-call.sse");
    assert.equal(completion.model, "kimi-k3");
    assert.equal(completion.created, 1787762066);
    const [choice] = completion.choices;
    assert.equal(choice?.finishReason, "tool_calls");
    assert.deepEqual(choice?.toolCalls, [
      {
        id: "get_weather_0",
        type: "function",
        function: { name: "get_weather", arguments: '{"city": "Paris"}' },
      },
    ]);
    const usage = {
      promptTokens: 213,
      completionTokens: 99,
      totalTokens: 312,
      cachedTokens: 213,
      reasoningTokens: 46,
    };
    assert.deepEqual(completion.usage, usage);
    assert.deepEqual(choice?.usage, usage);
    assert.equal(events.filter((e) => e.type === "tool-call").length, 1);
    assert.ok(events.filter((e) => e.type === "tool-call-delta").length > 1);
  });

  it("C01 (kimi-k2-0905): usage only inside the choice", () => {
    const { completion } = byFile("C01-k2-0905-stream-usage-in-choice.sse");
    assert.equal(completion.usage, undefined);
    assert.deepEqual(completion.choices[0]?.usage, {
      promptTokens: 4796,
      completionTokens: 174,
      totalTokens: 4970,
      cachedTokens: 0,
      reasoningTokens: null,
    });
    assert.equal(completion.choices[0]?.finishReason, "stop");
  });

  it("D01 (kimi-k2-turbo): a stream of only the final chunk keeps cached_tokens", () => {
    const { completion, events } = byFile("D01-k2-turbo-final-chunk-cached.sse");
    assert.deepEqual(events, []);
    assert.equal(completion.choices[0]?.content, "");
    assert.equal(completion.choices[0]?.usage?.cachedTokens, 8);
  });
});

describe("the stream accumulator on hand-written payloads", () => {
  it("without [DONE] it is not done (the reader reports the truncation)", () => {
    const { acc, completion } = feed(
      'data: {"id":"c1","choices":[{"index":0,"delta":{"content":"Hel"}}]}\n\n',
    );
    assert.equal(acc.done, false);
    assert.equal(acc.failure, undefined);
    assert.equal(completion.choices[0]?.content, "Hel");
    assert.equal(completion.choices[0]?.finishReason, "stop");
  });

  it("a data line that is not JSON is a MalformedResponseError, the key redacted", () => {
    const { acc } = feed("data: not json sk-secret-key-123456\n\n");
    assert.ok(acc.failure instanceof MalformedResponseError);
    assert.doesNotMatch(acc.failure.message, /sk-secret-key-123456/);
    assert.match(acc.failure.message, /^The stream sent a data line that is not JSON: /);
  });

  it("a choice index out of range is malformed; nothing after the failure is taken", () => {
    const { acc, events } = feed(
      'data: {"id":"c1","choices":[{"index":500,"delta":{"content":"x"}}]}\n\ndata: {"id":"c1","choices":[{"index":0,"delta":{"content":"y"}}]}\n\ndata: [DONE]\n\n',
    );
    assert.ok(acc.failure instanceof MalformedResponseError);
    assert.match(acc.failure.message, /`index` 500; it must be a whole number from 0 to 127/);
    assert.deepEqual(events, []);
    assert.equal(acc.done, false);
  });

  it("an error event becomes the mapped typed error", () => {
    const { acc } = feed(
      'data: {"error":{"type":"rate_limit_reached_error","message":"please try again after 3 seconds"}}\n\n',
    );
    assert.ok(acc.failure instanceof RateLimitError);
    assert.equal(acc.failure.status, 429);
    assert.equal(acc.failure.retryAfterMs, 3000);
    assert.equal(acc.failure.requestId, "req-acc");
  });

  it("text past the limit is a ResponseTooLargeError", () => {
    const { acc } = feed(
      'data: {"id":"c1","choices":[{"index":0,"delta":{"content":"0123456789"}}]}\n\n',
      5,
    );
    assert.ok(acc.failure instanceof ResponseTooLargeError);
    assert.equal(acc.failure.limitBytes, 5);
    assert.equal(acc.failure.setting, "maxResponseBytes");
  });

  it("only choice 0 emits events; other choices are accumulated", () => {
    const { events, completion } = feed(
      'data: {"id":"c1","choices":[{"index":1,"delta":{"content":"b"}},{"index":0,"delta":{"content":"a"}}]}\n\ndata: [DONE]\n\n',
    );
    assert.deepEqual(events, [{ type: "text-delta", text: "a" }]);
    assert.deepEqual(
      completion.choices.map((c) => [c.index, c.content]),
      [
        [0, "a"],
        [1, "b"],
      ],
    );
  });
});
