/**
 * Offline token estimation for Kimi models.
 *
 * Kimi's real tokenizer (a 163,840-entry tiktoken BPE) is published only on Hugging Face, which
 * this project cannot download at install or run time (docs/moonshot-wire.md, "Token estimate"). This estimator follows the
 * docs' rule of thumb instead: about 3-4 characters per token for English and 1.5-2 characters per
 * token for Chinese, splitting text the way the Kimi pre-tokenizer does (Han runs, letter runs,
 * digits in groups of three, punctuation, whitespace). It is deterministic and pure, and the
 * emulator uses the very same function, so counts agree offline. Against the real service expect
 * differences of roughly ±20%; `tokens.count()` asks the service when online.
 */

/** Tokens the chat template adds per message (`<|im_user|>`, role, `<|im_middle|>`, `<|im_end|>`). */
export const MESSAGE_OVERHEAD_TOKENS = 4;

/** Tokens the template adds once per request (the assistant turn opener). */
export const REQUEST_OVERHEAD_TOKENS = 3;

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

/**
 * Tokens of one run of `length` characters of one class (`utf8Bytes`: Other runs only). Integer
 * arithmetic where it gives the same ceiling: runs are shorter than 2^31 characters.
 */
function runTokens(kind: number, length: number, utf8Bytes: number, newline: boolean): number {
  switch (kind) {
    case CharClass.Han:
      // ~1.6 Chinese characters per token.
      return Math.ceil(length / 1.6);
    case CharClass.Letter:
      // Common words are one token; long words split every ~6 letters (≈3.7 chars/token with
      // the leading space folded into the word, as the BPE does).
      return ((length + 5) / 6) | 0;
    case CharClass.Digit:
      return ((length + 2) / 3) | 0;
    case CharClass.Space:
      // A single space joins the next word; longer runs and newlines cost one token.
      return length > 1 || newline ? 1 : 0;
    case CharClass.Punct:
      return (length + 1) >> 1;
    default:
      return ((utf8Bytes + 2) / 3) | 0;
  }
}

function utf8Length(code: number): number {
  return code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
}

/** Table value of a high surrogate: the class depends on the code unit after it. */
const HIGH_SURROGATE = 6;

let bmpClasses: Uint8Array | undefined;

/**
 * The class of every UTF-16 code unit, built once on first use (64 KiB): one load per character
 * instead of a chain of range tests. High surrogates get {@link HIGH_SURROGATE}.
 */
function classTable(): Uint8Array {
  if (bmpClasses !== undefined) return bmpClasses;
  const table = new Uint8Array(0x10000);
  for (let code = 0; code < 0x10000; code++) {
    table[code] = code >= 0xd800 && code <= 0xdbff ? HIGH_SURROGATE : classify(code);
  }
  bmpClasses = table;
  return table;
}

/**
 * Estimated token count of a plain text (no chat template). Empty text is 0 tokens.
 *
 * The text is cut into runs of one character class (a code point is one character) and each run
 * costs by its class: Han, letter, digit and punctuation runs by their length in characters,
 * whitespace runs one token when longer than one character or holding a newline, other runs by
 * their UTF-8 bytes. A high surrogate is read together with whatever code unit follows it (as
 * one character whose code is computed from both, even when the second is not a low surrogate);
 * one at the very end, and a lone low surrogate, are "other" characters of 3 bytes.
 */
export function estimateTextTokens(text: string): number {
  return scanText(text, -1);
}

/** What {@link estimateTextTokensWithin} found. */
export interface TextTokensWithin {
  /** The estimate (`exact`), or an upper bound of it that is at most the limit given. */
  tokens: number;
  /** `true` when `tokens` is {@link estimateTextTokens} of the text. */
  exact: boolean;
}

/**
 * {@link estimateTextTokens} of `text`, or less work when the answer only has to be "at most
 * `limit`": the scan stops at the first run boundary where the tokens of the runs so far plus one
 * token per code unit left (the estimator never gives more) is at most `limit`, and returns that
 * bound. Used where a caller compares the estimate with a limit and needs the number only when
 * it is over (the pre-send context check of a long prompt).
 */
export function estimateTextTokensWithin(text: string, limit: number): TextTokensWithin {
  const tokens = scanText(text, limit);
  return tokens < 0 ? { tokens: -tokens - 1, exact: false } : { tokens, exact: true };
}

/**
 * The scan behind both: the estimate (>= 0), or, when a bound at most `limit` is proved first,
 * `-bound - 1`. A `limit` below 0 is never met, so the scan runs to the end.
 */
function scanText(text: string, limit: number): number {
  const table = classTable();
  const length = text.length;
  let total = 0;
  // The run in progress: only a run the loop below left open (its next character is a high
  // surrogate, which may turn out to be of the same class) is carried between iterations.
  let runKind = -1;
  let runLength = 0;
  let runBytes = 0;
  let newline = false;
  let i = 0;
  while (i < length) {
    let code = text.charCodeAt(i);
    const kind: number = table[code] as number;
    if (kind === HIGH_SURROGATE) {
      // One character from two code units (rare: the slow path).
      let pairKind: number = CharClass.Other;
      if (i + 1 < length) {
        code = ((code - 0xd800) << 10) + (text.charCodeAt(i + 1) - 0xdc00) + 0x10000;
        pairKind = classify(code);
        i += 2;
      } else {
        i += 1;
      }
      if (pairKind !== runKind) {
        if (runKind !== -1) total += runTokens(runKind, runLength, runBytes, newline);
        runKind = pairKind;
        runLength = 0;
        runBytes = 0;
        newline = false;
      }
      runLength++;
      runBytes += utf8Length(code);
      continue;
    }
    if (kind !== runKind) {
      if (runKind !== -1) total += runTokens(runKind, runLength, runBytes, newline);
      runKind = kind;
      runLength = 0;
      runBytes = 0;
      newline = false;
    }
    // The rest of this run of single code units, in a loop that does only what its class needs.
    let end = i + 1;
    if (kind === CharClass.Other) {
      // Other characters below 0x80 do not exist, so 2 or 3 bytes.
      runBytes += code < 0x800 ? 2 : 3;
      while (end < length) {
        const next = text.charCodeAt(end);
        if (table[next] !== CharClass.Other) break;
        runBytes += next < 0x800 ? 2 : 3;
        end++;
      }
    } else {
      // A whitespace run costs by its newlines only when it is one character long.
      if (kind === CharClass.Space && (code === 0x0a || code === 0x0d)) newline = true;
      while (end < length && table[text.charCodeAt(end)] === kind) end++;
    }
    runLength += end - i;
    i = end;
    if (i === length) break;
    const after = text.charCodeAt(i);
    // The run may go on through a surrogate pair of its class: leave it open.
    if (table[after] === HIGH_SURROGATE) continue;
    total += runTokens(kind, runLength, runBytes, newline);
    runKind = -1;
    // A single space between two runs costs nothing and only ends the run (the commonest run
    // in prose): step over it instead of going round the loop for it.
    if (
      after === 0x20 &&
      kind !== CharClass.Space &&
      (i + 1 === length || table[text.charCodeAt(i + 1)] !== CharClass.Space)
    ) {
      i++;
    }
    // A run boundary: what is left is estimated on its own, at most one token a code unit.
    if (total + (length - i) <= limit) return -(total + (length - i)) - 1;
  }
  if (runKind !== -1) total += runTokens(runKind, runLength, runBytes, newline);
  return total;
}

/** The parts of a chat message the estimator reads; any extra fields are ignored. */
export interface EstimableMessage {
  role: string;
  content?: unknown;
  name?: string;
  reasoning_content?: string | null;
  tool_calls?: unknown;
  tool_call_id?: string;
}

/** Counts the tokens of one text: {@link estimateTextTokens}, or a cache in front of it. */
export type TextTokenCounter = (text: string) => number;

/** Tokens a content part array costs: text parts by text, images and videos a flat amount. */
function contentTokens(content: unknown, textTokens: TextTokenCounter): number {
  if (content === undefined || content === null) return 0;
  if (typeof content === "string") return textTokens(content);
  if (Array.isArray(content)) {
    let total = 0;
    for (const part of content) {
      if (part && typeof part === "object") {
        const typed = part as { type?: string; text?: string };
        if (typed.type === "text" && typeof typed.text === "string") {
          total += textTokens(typed.text);
        } else if (typed.type === "image_url") {
          total += IMAGE_TOKENS;
        } else if (typed.type === "video_url") {
          total += VIDEO_TOKENS;
        }
      }
    }
    return total;
  }
  return textTokens(JSON.stringify(content));
}

/** Flat estimate for one image part (the real cost depends on resolution). */
export const IMAGE_TOKENS = 1_000;
/** Flat estimate for one video part. */
export const VIDEO_TOKENS = 4_000;

/**
 * Estimated prompt tokens of one message, template overhead included. `textTokens` counts each
 * text (default {@link estimateTextTokens}; the client's estimate cache passes its cached count).
 */
export function estimateMessageTokens(
  message: EstimableMessage,
  textTokens: TextTokenCounter = estimateTextTokens,
): number {
  // Role, content, then the rest: the order texts are counted in (and a bad one throws in).
  const role = MESSAGE_OVERHEAD_TOKENS + textTokens(message.role);
  const content = contentTokens(message.content, textTokens);
  return role + content + fieldTokens(message, textTokens);
}

/**
 * The part of {@link estimateMessageTokens} that is not `content`: template overhead, role, name,
 * reasoning, tool calls and tool call id. With the content's tokens added it is the message's
 * estimate; the pre-send check counts a long text content apart, only as far as it needs to.
 */
export function estimateMessageTokensBesidesContent(
  message: EstimableMessage,
  textTokens: TextTokenCounter = estimateTextTokens,
): number {
  return MESSAGE_OVERHEAD_TOKENS + textTokens(message.role) + fieldTokens(message, textTokens);
}

/** Name, reasoning, tool calls and tool call id. */
function fieldTokens(message: EstimableMessage, textTokens: TextTokenCounter): number {
  let total = 0;
  if (message.name) total += textTokens(message.name);
  if (message.reasoning_content) total += textTokens(message.reasoning_content);
  if (message.tool_calls) total += textTokens(JSON.stringify(message.tool_calls));
  if (message.tool_call_id) total += textTokens(message.tool_call_id);
  return total;
}

/**
 * Estimated prompt tokens of a chat request: every message, the declared tools (serialized as
 * the template does, as JSON) and the per-request overhead.
 */
export function estimatePromptTokens(
  messages: readonly EstimableMessage[],
  tools?: readonly unknown[],
): number {
  let total = REQUEST_OVERHEAD_TOKENS;
  for (const message of messages) total += estimateMessageTokens(message);
  if (tools && tools.length > 0) total += estimateTextTokens(JSON.stringify(tools));
  return total;
}
