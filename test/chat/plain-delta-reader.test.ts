/**
 * The plain-delta shortcut of the stream accumulator: an event it reads without `JSON.parse` must
 * give exactly what parsing gives, and every event that is not byte for byte the plain shape must
 * be refused (and so parsed). Checked on crafted events, on the recorded captures, and on a stream
 * fed twice: once where the shortcut applies and once where the first chunk's field order turns it
 * off.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PlainDeltaReader } from "../../src/chat/plain-delta-reader.ts";
import { StreamAccumulator } from "../../src/chat/stream-accumulator.ts";
import { SseDataParser } from "../../src/http/sse-data-parser.ts";
import { seededRandom } from "../library/helpers/seeded-random.ts";

const HEAD = {
  id: "chatcmpl-2fd89a86-2ca0-983f-b91a-01c260395d0a",
  object: "chat.completion.chunk",
  created: 1787771120,
  model: "kimi-k3",
};

function chunk(delta: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    ...HEAD,
    choices: [{ index: 0, delta, finish_reason: null, ...extra }],
  });
}

function reader(): PlainDeltaReader {
  const learned = PlainDeltaReader.learn(
    JSON.parse(chunk({ role: "assistant", content: "" })) as Record<string, unknown>,
  );
  assert.ok(learned, "the documented first chunk teaches the reader its head");
  return learned;
}

const PIECES = [
  "a",
  " word",
  '"',
  "\\",
  "\n",
  "\r\n",
  "\t",
  "\u0000",
  "\u001f",
  "\u007f",
  "\u2028",
  "é",
  "汉字",
  "😀",
  "\ud800",
  "\udc00",
  "/",
  "</script>",
  '","finish_reason":null}]}',
  '"},"finish_reason":null}]}',
  "{}",
  "\\u0041",
];

describe("PlainDeltaReader", () => {
  it("reads exactly what JSON.parse reads, for text with every kind of escape", () => {
    const plain = reader();
    const next = seededRandom(42);
    for (let round = 0; round < 3000; round++) {
      let text = "";
      const parts = Math.floor(next() * 6);
      for (let p = 0; p < parts; p++) text += PIECES[Math.floor(next() * PIECES.length)];
      for (const key of ["content", "reasoning_content"] as const) {
        const data = chunk({ [key]: text });
        assert.equal(plain.read(data), true, `refused ${JSON.stringify(data)}`);
        const parsed = JSON.parse(data) as { choices: { delta: Record<string, string> }[] };
        assert.equal(plain.text, parsed.choices[0]?.delta[key]);
        assert.equal(plain.reasoning, key === "reasoning_content");
      }
    }
  });

  it("refuses every event that is not the plain shape of this stream", () => {
    const plain = reader();
    const refused = [
      // Another field, another value, another order, or a finish reason.
      chunk({ role: "assistant", content: "" }),
      chunk({ content: "a", reasoning_content: "b" }),
      chunk({ reasoning_content: "b", content: "a" }),
      chunk({ content: null }),
      chunk({ content: 5 }),
      chunk({}),
      chunk({ content: "a" }, { usage: { prompt_tokens: 1 } }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: "{}" } }] }),
      JSON.stringify({
        ...HEAD,
        choices: [{ index: 0, delta: { content: "a" }, finish_reason: "stop" }],
      }),
      JSON.stringify({
        ...HEAD,
        choices: [{ index: 1, delta: { content: "a" }, finish_reason: null }],
      }),
      JSON.stringify({
        ...HEAD,
        id: "other",
        choices: [{ index: 0, delta: { content: "a" }, finish_reason: null }],
      }),
      JSON.stringify({
        ...HEAD,
        created: 1787771121,
        choices: [{ index: 0, delta: { content: "a" }, finish_reason: null }],
      }),
      JSON.stringify({
        ...HEAD,
        choices: [
          { index: 0, delta: { content: "a" }, finish_reason: null },
          { index: 1, delta: { content: "b" }, finish_reason: null },
        ],
      }),
      JSON.stringify({
        ...HEAD,
        choices: [{ index: 0, delta: { content: "a" }, finish_reason: null }],
        usage: null,
      }),
      // Whitespace the compact head does not have.
      JSON.stringify(
        { ...HEAD, choices: [{ index: 0, delta: { content: "a" }, finish_reason: null }] },
        null,
        1,
      ),
      `${chunk({ content: "a" })} `,
      // Not JSON at all, though head and tail match.
      `${chunk({ content: "a" }).slice(0, -25)}"x"},"finish_reason":null}]}`,
      `${chunk({ content: "" }).slice(0, -26)}\\"},"finish_reason":null}]}`,
      chunk({ content: "a" }).slice(0, 60),
      "",
    ];
    for (const data of refused) {
      assert.equal(plain.read(data), false, `read ${JSON.stringify(data)}`);
    }
  });

  it("learns nothing from a first chunk whose fields it cannot print byte for byte", () => {
    const first = (value: Record<string, unknown>) => PlainDeltaReader.learn(value);
    const choices = [{ index: 0, delta: { content: "" }, finish_reason: null }];
    assert.equal(first({ ...HEAD, system_fingerprint: "fp", choices }), undefined);
    assert.equal(
      first({
        object: HEAD.object,
        id: HEAD.id,
        created: HEAD.created,
        model: HEAD.model,
        choices,
      }),
      undefined,
    );
    assert.equal(
      first({ model: HEAD.model, id: HEAD.id, object: HEAD.object, created: 1, choices }),
      undefined,
    );
    assert.equal(first({ ...HEAD, created: 1.5, choices }), undefined);
    assert.equal(first({ ...HEAD, created: "1", choices }), undefined);
    assert.equal(first({ ...HEAD, id: 7, choices }), undefined);
    assert.equal(first({ ...HEAD }), undefined);
  });
});

function failureCode(acc: StreamAccumulator): string | undefined {
  return acc.failure?.code;
}

/** Events and completion of an SSE text fed to a fresh accumulator. */
function accumulate(sse: string): unknown {
  const acc = new StreamAccumulator({
    maxTextLength: 1_000_000,
    secrets: [],
    model: "kimi-k3",
    requestId: "req",
    retryAfter: null,
  });
  const parser = new SseDataParser((data) => acc.add(data));
  parser.feed(new TextEncoder().encode(sse));
  parser.end();
  return {
    events: acc.takeEvents(),
    done: acc.done,
    failure: acc.failure?.message,
    completion: acc.completion("req"),
  };
}

/** The same stream with the first chunk's fields reordered: no head is learned, all is parsed. */
function withoutShortcut(sse: string): string {
  return sse.replace(/^data: (\{.*\})$/m, (_line, json: string) => {
    const { id, ...rest } = JSON.parse(json) as Record<string, unknown>;
    return `data: ${JSON.stringify({ ...rest, id })}`;
  });
}

describe("StreamAccumulator with the plain-delta shortcut", () => {
  const captures = join(import.meta.dirname, "../fixtures/captures");
  const files = readdirSync(captures).filter((name) => name.endsWith(".sse"));

  it("gives the same events and completion as parsing every event, on every recorded stream", () => {
    assert.ok(files.length >= 4);
    for (const name of files) {
      const sse = readFileSync(join(captures, name), "utf8");
      const reordered = withoutShortcut(sse);
      assert.notEqual(reordered, sse, name);
      assert.deepEqual(accumulate(sse), accumulate(reordered), name);
    }
  });

  it("gives the same result on a long stream of escaped, multilingual and mixed deltas", () => {
    const next = seededRandom(7);
    const events = [chunk({ role: "assistant", content: "" })];
    for (let i = 0; i < 2000; i++) {
      const text = PIECES[Math.floor(next() * PIECES.length)] ?? "";
      const roll = next();
      if (roll < 0.4) events.push(chunk({ reasoning_content: text }));
      else if (roll < 0.9) events.push(chunk({ content: text }));
      else if (roll < 0.95) events.push(chunk({ content: text, reasoning_content: text }));
      else
        events.push(
          chunk({
            tool_calls: [{ index: 0, id: "f:0", function: { name: "f", arguments: text } }],
          }),
        );
    }
    events.push(
      JSON.stringify({ ...HEAD, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }),
      "[DONE]",
    );
    const sse = events.map((data) => `data: ${data}\n\n`).join("");
    const result = accumulate(sse) as { events: unknown[]; done: boolean };
    assert.equal(result.done, true);
    assert.ok(result.events.length > 1500);
    assert.deepEqual(result, accumulate(withoutShortcut(sse)));
  });

  it("still stops at the size limit when every delta takes the shortcut", () => {
    const acc = new StreamAccumulator({
      maxTextLength: 10,
      secrets: [],
      model: "kimi-k3",
      requestId: "req",
      retryAfter: null,
    });
    acc.add(chunk({ role: "assistant", content: "" }));
    acc.add(chunk({ content: "123456" }));
    assert.equal(failureCode(acc), undefined);
    acc.add(chunk({ content: "78901" }));
    assert.equal(failureCode(acc), "response_too_large");
    acc.add(chunk({ content: "more" }));
    assert.deepEqual(
      acc.takeEvents().map((event) => (event.type === "text-delta" ? event.text : event.type)),
      ["123456", "78901"],
    );
  });
});
