/**
 * The stream's SSE reader on its own: the recorded captures (whole, split at every byte boundary,
 * with CRLF and CR line ends), checked against eventsource-parser as an independent reading of the
 * same bytes, and hostile inputs (multi-byte characters split across reads, comments, other
 * fields, multi-line data, an event or a line over the size bound, an unfinished last event).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { createParser } from "eventsource-parser";
import { SseDataParser } from "../../src/http/sse-data-parser.ts";

const FIXTURES = join(import.meta.dirname, "../fixtures");
const SSE_FILES = [
  ...readdirSync(join(FIXTURES, "captures"))
    .filter((name) => name.endsWith(".sse"))
    .map((name) => join(FIXTURES, "captures", name)),
  ...readdirSync(join(FIXTURES, "library"))
    .filter((name) => name.endsWith(".sse"))
    .map((name) => join(FIXTURES, "library", name)),
];

const encoder = new TextEncoder();

/** The data of every event, feeding `pieces` one read each; also the pending size after each read. */
function parse(pieces: Uint8Array[]): { data: string[]; pending: number[] } {
  const data: string[] = [];
  const pending: number[] = [];
  const parser = new SseDataParser((value) => data.push(value));
  for (const piece of pieces) pending.push(parser.feed(piece));
  parser.end();
  return { data, pending };
}

const whole = (text: string) => parse([encoder.encode(text)]).data;

/** The data eventsource-parser finds in the same text. */
function oracle(text: string): string[] {
  const data: string[] = [];
  const parser = createParser({ onEvent: (message) => data.push(message.data) });
  parser.feed(text);
  parser.reset({ consume: true });
  return data;
}

/** Every split of `bytes` into two reads. */
function* twoReads(bytes: Uint8Array): Generator<[number, Uint8Array[]]> {
  for (let at = 0; at <= bytes.length; at++) {
    yield [at, [bytes.subarray(0, at), bytes.subarray(at)]];
  }
}

describe("SseDataParser on the recorded captures", () => {
  it("finds the captures", () => {
    assert.ok(SSE_FILES.filter((file) => file.includes("captures")).length >= 6);
  });

  for (const file of SSE_FILES) {
    const name = file.slice(FIXTURES.length + 1);
    const text = readFileSync(file, "utf8");

    it(`${name}: the same events as eventsource-parser, ending with [DONE]`, () => {
      const expected = oracle(text);
      assert.ok(expected.length >= 2);
      assert.equal(expected.at(-1), "[DONE]");
      assert.deepEqual(whole(text), expected);
    });

    it(`${name}: the same events split at every byte boundary, and byte by byte`, () => {
      const expected = oracle(text);
      const bytes = encoder.encode(text);
      for (const [at, pieces] of twoReads(bytes)) {
        assert.deepEqual(parse(pieces).data, expected, `split at byte ${at}`);
      }
      const single = Array.from(bytes, (_, index) => bytes.subarray(index, index + 1));
      assert.deepEqual(parse(single).data, expected);
    });

    it(`${name}: the same events with CRLF and with CR line ends, split anywhere`, () => {
      const expected = oracle(text);
      for (const ending of ["\r\n", "\r"]) {
        const converted = text.replace(/\r\n|\r|\n/g, ending);
        // (eventsource-parser itself drops a last event ended by a lone CR at the very end of the
        // body, waiting for an LF that never comes: CR alone is a line end in SSE.)
        const bytes = encoder.encode(converted);
        for (const [at, pieces] of twoReads(bytes)) {
          assert.deepEqual(parse(pieces).data, expected, `${JSON.stringify(ending)} at ${at}`);
        }
      }
    });
  }
});

describe("SseDataParser on hostile and unusual input", () => {
  it("reads data with and without the space, a bare data line, and multi-line data", () => {
    assert.deepEqual(whole("data:a\n\ndata: b\n\ndata:  c\n\ndata\n\ndata: x\ndata:y\ndata\n\n"), [
      "a",
      "b",
      " c",
      "",
      "x\ny\n",
    ]);
  });

  it("skips comments and other fields, and blank lines without data", () => {
    const text =
      ': keep-alive\n\nevent: message\nid: 7\nretry: 1000\ndata: {"a":1}\n\n\n\nfoo: bar\ndatum: no\n\ndata: [DONE]\n\n';
    assert.deepEqual(whole(text), ['{"a":1}', "[DONE]"]);
    assert.deepEqual(whole(text), oracle(text));
  });

  it("mixes LF, CR and CRLF in one stream, with a CRLF split between two reads", () => {
    const bytes = encoder.encode("data: 1\r\n\r\ndata: 2\r\rdata: 3\n\ndata: 4\r\n\r\n");
    assert.deepEqual(parse([bytes]).data, ["1", "2", "3", "4"]);
    // "data: 1\r" | "\n\r\n…": the LF after the CR is the same line end, not a blank line.
    assert.deepEqual(parse([bytes.subarray(0, 8), bytes.subarray(8)]).data, ["1", "2", "3", "4"]);
    assert.deepEqual(parse([bytes.subarray(0, 9), bytes.subarray(9)]).data, ["1", "2", "3", "4"]);
  });

  it("decodes a multi-byte character split between reads", () => {
    const bytes = encoder.encode("data: 月之暗面 🌙\n\n");
    for (const [at, pieces] of twoReads(bytes)) {
      assert.deepEqual(parse(pieces).data, ["月之暗面 🌙"], `split at byte ${at}`);
    }
  });

  it("drops an event the body ends before its blank line, as eventsource-parser does", () => {
    assert.deepEqual(whole("data: 1\n\ndata: 2\n"), ["1"]);
    assert.deepEqual(whole("data: 1\n\ndata: [DONE]"), ["1"]);
    assert.deepEqual(oracle("data: 1\n\ndata: [DONE]"), ["1"]);
  });

  it("measures the unfinished event in bytes: a long line grows it read by read, a blank line resets it", () => {
    const line = encoder.encode(`data: ${"é".repeat(1000)}`); // 6 + 2000 bytes
    const { data, pending } = parse([
      line.subarray(0, 1000),
      line.subarray(1000),
      encoder.encode("\n"),
      encoder.encode("data: more"),
      encoder.encode("\n\n"),
    ]);
    assert.deepEqual(pending, [1000, 2006, 2007, 2017, 0]);
    assert.deepEqual(data, [`${"é".repeat(1000)}\nmore`]);
  });

  it("counts only what follows the last event end in a read", () => {
    const { pending } = parse([
      encoder.encode("data: 1\n\ndata: 2\n\ndata: unfinished"),
      encoder.encode(" still\r\n"),
      encoder.encode("\r\n"),
    ]);
    assert.deepEqual(pending, [16, 24, 0]);
  });

  it("keeps counting a line over any bound without ever dispatching it", () => {
    const parser = new SseDataParser(() => assert.fail("no event may be dispatched"));
    const piece = encoder.encode("x".repeat(64 * 1024));
    let pending = parser.feed(encoder.encode("data: "));
    for (let read = 0; read < 200; read++) pending = parser.feed(piece);
    assert.equal(pending, 6 + 200 * 64 * 1024);
  });
});
