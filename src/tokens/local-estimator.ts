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

/** Estimated token count of a plain text (no chat template). Empty text is 0 tokens. */
export function estimateTextTokens(text: string): number {
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
  let total = MESSAGE_OVERHEAD_TOKENS + textTokens(message.role);
  total += contentTokens(message.content, textTokens);
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
