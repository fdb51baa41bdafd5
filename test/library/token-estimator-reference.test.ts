/**
 * The text estimator is tuned for speed; its answers must not move. This file keeps the
 * estimator as it was before (character by character, range tests per character), verbatim, and
 * compares the two on every UTF-16 code unit alone, repeated, after a high surrogate and beside
 * spaces, and on thousands of generated strings: ASCII, CJK, astral characters, lone and
 * trailing surrogates, whitespace and newline runs, Latin letters, fullwidth punctuation, mixes.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { estimateTextTokens } from "../../src/tokens/local-estimator.ts";
import { seededRandom } from "./helpers/seeded-random.ts";

// ---- The reference: estimateTextTokens as it was, verbatim (renamed referenceTextTokens). ----

// Character classes, as plain numbers: Node's type stripping cannot run enums.
const CharClass = { Han: 0, Letter: 1, Digit: 2, Space: 3, Punct: 4, Other: 5 } as const;
type CharClass = (typeof CharClass)[keyof typeof CharClass];

function classify(code: number): CharClass {
  if (code < 0x80) {
    if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a)) return CharClass.Letter;
    if (code >= 0x30 && code <= 0x39) return CharClass.Digit;
    if (code === 0x20 || (code >= 0x09 && code <= 0x0d)) return CharClass.Space;
    return CharClass.Punct;
  }
  if (
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x20000 && code <= 0x2ebef) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0x3040 && code <= 0x30ff) ||
    (code >= 0xac00 && code <= 0xd7af)
  ) {
    return CharClass.Han;
  }
  if (code >= 0x3000 && code <= 0x303f) return CharClass.Punct;
  if (code >= 0xff00 && code <= 0xffef) return CharClass.Punct;
  if (code >= 0xc0 && code <= 0x24f) return CharClass.Letter;
  return CharClass.Other;
}

function runCost(kind: CharClass, length: number, utf8Bytes: number): number {
  switch (kind) {
    case CharClass.Han:
      // ~1.6 Chinese characters per token.
      return Math.ceil(length / 1.6);
    case CharClass.Letter:
      // Common words are one token; long words split every ~6 letters (≈3.7 chars/token with
      // the leading space folded into the word, as the BPE does).
      return Math.ceil(length / 6);
    case CharClass.Digit:
      return Math.ceil(length / 3);
    case CharClass.Space:
      // A single space joins the next word; longer runs and newlines cost one token.
      return length > 1 || utf8Bytes === 0 ? 1 : 0;
    case CharClass.Punct:
      return Math.ceil(length / 2);
    default:
      return Math.ceil(utf8Bytes / 3);
  }
}

function utf8Length(code: number): number {
  return code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
}

function referenceTextTokens(text: string): number {
  let total = 0;
  let runKind: CharClass | -1 = -1;
  let runLength = 0;
  let runBytes = 0;
  let newlineInRun = false;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      code = ((code - 0xd800) << 10) + (text.charCodeAt(i + 1) - 0xdc00) + 0x10000;
      i++;
    }
    const kind = classify(code);
    if (kind !== runKind) {
      if (runKind !== -1) {
        total += runCost(runKind, runLength, newlineInRun ? 0 : runBytes);
      }
      runKind = kind;
      runLength = 0;
      runBytes = 0;
      newlineInRun = false;
    }
    runLength++;
    runBytes += utf8Length(code);
    if (code === 0x0a || code === 0x0d) newlineInRun = true;
  }
  if (runKind !== -1) total += runCost(runKind, runLength, newlineInRun ? 0 : runBytes);
  return total;
}

// ---- The comparison. ----

function hex(text: string): string {
  const units: string[] = [];
  for (let i = 0; i < text.length && i < 40; i++) units.push(text.charCodeAt(i).toString(16));
  return `${text.length} units: ${units.join(" ")}${text.length > 40 ? " …" : ""}`;
}

/** Every input whose answers differ (at most 10), with both answers. */
function differences(inputs: Iterable<string>): string[] {
  const found: string[] = [];
  let compared = 0;
  for (const input of inputs) {
    compared++;
    const expected = referenceTextTokens(input);
    const actual = estimateTextTokens(input);
    if (actual !== expected && found.length < 10) {
      found.push(`${hex(input)}: expected ${expected}, got ${actual}`);
    }
  }
  assert.ok(compared > 0, "no inputs compared");
  return found;
}

// Code units at and around every boundary the classes have.
const EDGES = [
  0x00, 0x08, 0x09, 0x0a, 0x0b, 0x0d, 0x0e, 0x1f, 0x20, 0x21, 0x2f, 0x30, 0x39, 0x3a, 0x40, 0x41,
  0x5a, 0x5b, 0x60, 0x61, 0x7a, 0x7b, 0x7f, 0x80, 0xbf, 0xc0, 0xff, 0x24f, 0x250, 0x7ff, 0x800,
  0x2fff, 0x3000, 0x303f, 0x3040, 0x30ff, 0x3100, 0x33ff, 0x3400, 0x4dbf, 0x4dc0, 0x4dff, 0x4e00,
  0x9fff, 0xa000, 0xabff, 0xac00, 0xd7af, 0xd7b0, 0xd7ff, 0xd800, 0xd801, 0xdbfe, 0xdbff, 0xdc00,
  0xdc01, 0xdffe, 0xdfff, 0xe000, 0xf8ff, 0xf900, 0xfaff, 0xfb00, 0xfeff, 0xff00, 0xffef, 0xfff0,
  0xffff,
];

const ENGLISH =
  "The quick brown fox checks the build log, finds 3 warnings in module 42, and reports back. ";

// Pieces of every kind the estimator tells apart.
const PIECES = [
  "the",
  "Model",
  "antidisestablishmentarianism",
  " ",
  "  ",
  "   ",
  "\n",
  "\r\n",
  "\n\n\n",
  " \n ",
  "\t",
  "\u000b\u000c",
  "7",
  "42",
  "1234567",
  "3.14",
  ",",
  "!?",
  "...",
  '{"a":[1,2]}',
  "更多中文字符",
  "中",
  "こんにちは",
  "カタカナ",
  "한국어",
  "㐀㐁",
  "豈",
  "，。",
  "「」",
  "！？",
  "（ａｂｃ）",
  "café",
  "naïve",
  "ÀÉÎÕÜ",
  "ǅɏ",
  "Ωμέγα",
  "Привет",
  "שלום",
  "—",
  "“”",
  "\u00a0",
  "\u200b",
  "😀",
  "👍🏽",
  "𠀀𠀁",
  "𪜀",
  "𝔘",
  "\ud800",
  "\udbff",
  "\udc00",
  "\udfff",
  "\ud83d",
  "\ude00",
  "\ufffd",
  "\uffff",
];

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)] as T;
}

function* generated(seed: number, count: number, make: (next: () => number) => string) {
  const next = seededRandom(seed);
  for (let i = 0; i < count; i++) yield make(next);
}

function randomUnits(next: () => number, pool: (next: () => number) => number, max: number) {
  const length = Math.floor(next() * max);
  let out = "";
  for (let i = 0; i < length; i++) out += String.fromCharCode(pool(next));
  return out;
}

describe("estimateTextTokens against its reference implementation", () => {
  it("the reference is the estimator as it was (spot checks of known answers)", () => {
    assert.equal(referenceTextTokens(""), 0);
    assert.equal(referenceTextTokens("hello world"), 2);
    assert.equal(referenceTextTokens("更多中文字符"), 4);
    assert.equal(referenceTextTokens("\ud800a"), 1);
    // 17 letter tokens ("warnings" and "reports" are 2), 3 punctuation, 2 digit runs: 22 a sentence.
    assert.equal(referenceTextTokens(ENGLISH.repeat(10)), 220);
  });

  it("agrees on every code unit: alone, repeated, after a high surrogate, around spaces", () => {
    function* inputs() {
      for (let unit = 0; unit < 0x10000; unit++) {
        const c = String.fromCharCode(unit);
        yield c;
        yield c.repeat(7);
        yield c.repeat(13);
        yield `\ud800${c}`;
        yield `\udbff${c}`;
        yield `\ud83d${c}${c}`;
        yield ` ${c} ${c}\n`;
        yield `a${c}1${c}中${c}`;
      }
    }
    assert.deepEqual(differences(inputs()), []);
  });

  it("agrees on pairs of boundary code units, in all orders and run lengths", () => {
    function* inputs() {
      for (const a of EDGES) {
        for (const b of EDGES) {
          const x = String.fromCharCode(a);
          const y = String.fromCharCode(b);
          for (let n = 1; n <= 4; n++) {
            yield x.repeat(n) + y;
            yield x + y.repeat(n);
            yield (x + y).repeat(n);
          }
        }
      }
    }
    assert.deepEqual(differences(inputs()), []);
  });

  it("agrees on generated ASCII, CJK, astral, surrogate, whitespace and mixed strings", () => {
    const ascii = (next: () => number) => Math.floor(next() * 0x80);
    const cjk = (next: () => number) =>
      pick(next, [0x4e00, 0x3400, 0xf900, 0x3040, 0xac00, 0x3000, 0xff00]) +
      Math.floor(next() * 0x40);
    const whitespace = (next: () => number) => pick(next, [0x20, 0x20, 0x20, 0x0a, 0x0d, 0x09]);
    const latin = (next: () => number) => 0xc0 + Math.floor(next() * (0x250 - 0xc0));
    const surrogate = (next: () => number) => 0xd800 + Math.floor(next() * 0x800);
    const edge = (next: () => number) => pick(next, EDGES);
    const anyUnit = (next: () => number) => Math.floor(next() * 0x10000);
    const astral = (next: () => number) =>
      String.fromCodePoint(0x10000 + Math.floor(next() * 0x100000));
    const cases: Array<[number, number, (next: () => number) => string]> = [
      [1, 3000, (next) => randomUnits(next, ascii, 200)],
      [2, 2000, (next) => randomUnits(next, cjk, 120)],
      [3, 2000, (next) => randomUnits(next, whitespace, 40)],
      [4, 2000, (next) => randomUnits(next, latin, 60)],
      [5, 3000, (next) => randomUnits(next, surrogate, 30)],
      [6, 3000, (next) => randomUnits(next, edge, 60)],
      [7, 3000, (next) => randomUnits(next, anyUnit, 80)],
      [
        8,
        3000,
        (next) => {
          const length = Math.floor(next() * 40);
          let out = "";
          for (let i = 0; i < length; i++) out += astral(next);
          return out;
        },
      ],
      [
        9,
        5000,
        (next) => {
          const length = Math.floor(next() * 60);
          let out = "";
          for (let i = 0; i < length; i++) {
            const roll = next();
            if (roll < 0.6) out += pick(next, PIECES);
            else if (roll < 0.7) out += astral(next);
            else if (roll < 0.8) out += String.fromCharCode(surrogate(next));
            else if (roll < 0.9) out += String.fromCharCode(edge(next));
            else out += ENGLISH.slice(0, Math.floor(next() * ENGLISH.length));
          }
          return out;
        },
      ],
      // A high surrogate as the very last unit, after every kind of run.
      [10, 2000, (next) => `${pick(next, PIECES).repeat(1 + Math.floor(next() * 4))}\ud800`],
    ];
    for (const [seed, count, make] of cases) {
      assert.deepEqual(differences(generated(seed, count, make)), [], `seed ${seed}`);
    }
  });

  it("agrees on long texts: English, CJK, mixed with emoji and surrogates (64 Ki units each)", () => {
    const long = (unit: string) => unit.repeat(Math.ceil(65_536 / unit.length)).slice(0, 65_536);
    const next = seededRandom(11);
    let mixed = "";
    while (mixed.length < 65_536) mixed += pick(next, PIECES);
    assert.deepEqual(
      differences([
        long(ENGLISH),
        long("更多中文字符，这是一个测试。こんにちは世界、한국어 텍스트 "),
        long("café Ωμέγα 😀 naïve — “quotes” résumé 123,456 \n\n"),
        mixed,
        // Cut inside a surrogate pair, so the text ends on a lone high surrogate.
        long("😀😀x").slice(0, 65_535),
      ]),
      [],
    );
  });

  it("behaves the same on what is not a string: length read, then code units", () => {
    const outcome = (count: (text: string) => number, input: unknown) => {
      try {
        return { value: count(input as string) };
      } catch (error) {
        return { error: (error as Error).constructor.name };
      }
    };
    for (const input of [42, undefined, null, new String("héllo 世界"), ["a"], { length: 0 }]) {
      assert.deepEqual(
        outcome(estimateTextTokens, input),
        outcome(referenceTextTokens, input),
        String(input),
      );
    }
  });
});
