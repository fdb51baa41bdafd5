/**
 * Identifiers shaped like the ones the service makes (docs/moonshot-wire.md "Streams", "Headers",
 * "Files"). Ids are not seeded: only reply *content* is deterministic; ids only need the right
 * shape.
 */
import { randomBytes, randomUUID } from "node:crypto";

const HEX = "0123456789abcdef";

function randomHex(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += HEX[(Math.random() * 16) | 0];
  return out;
}

/**
 * `chatcmpl-` + 24 hex whose first 8 hex digits are `created` (recorded ids of 2025 models and of
 * kimi-k2.6: `chatcmpl-6911668985355ab7ab43bc2b` ↔ created 0x69116689).
 */
export function chatCompletionId(created: number): string {
  return `chatcmpl-${created.toString(16).padStart(8, "0")}${randomHex(16)}`;
}

/** `chatcmpl-` + a UUID (8-4-4-4-12 hex), the form recorded on kimi-k3 in 2026. */
export function chatCompletionUuidId(): string {
  return `chatcmpl-${randomUUID()}`;
}

/** `system_fingerprint`: `fpv0_` + 8 hex (recorded on 2025 models). */
export function systemFingerprint(seed: number): string {
  return `fpv0_${(seed >>> 0).toString(16).padStart(8, "0")}`;
}

/** 32 hex digits, for `X-Msh-Trace-Id` (recorded). */
export function traceId(): string {
  return randomHex(32);
}

// 100-ns intervals between the Gregorian epoch (1582-10-15) and the Unix epoch.
const GREGORIAN_OFFSET = 122192928000000000n;
const NODE_ID = randomBytes(6).toString("hex");
let clockSeq = (Math.random() * 0x3fff) | 0;

/** A version-1 (time-based) UUID, as `Msh-Request-Id` is (recorded). */
export function requestId(): string {
  clockSeq = (clockSeq + 1) & 0x3fff;
  const time = BigInt(Date.now()) * 10000n + GREGORIAN_OFFSET;
  const low = (time & 0xffffffffn).toString(16).padStart(8, "0");
  const mid = ((time >> 32n) & 0xffffn).toString(16).padStart(4, "0");
  const high = (((time >> 48n) & 0x0fffn) | 0x1000n).toString(16).padStart(4, "0");
  const seq = (clockSeq | 0x8000).toString(16).padStart(4, "0");
  return `${low}-${mid}-${high}-${seq}-${NODE_ID}`;
}

const XID_ALPHABET = "0123456789abcdefghijklmnopqrstuv";
const XID_MACHINE = randomBytes(3);
let xidCounter = randomBytes(3).readUIntBE(0, 3);

/**
 * A 20-character lowercase base32hex xid (github.com/rs/xid layout: 4 bytes time, 3 machine,
 * 2 pid, 3 counter), the shape of Moonshot file ids such as `cnoki7pkqq4r540f4q6g` (recorded).
 */
export function xid(now = Date.now()): string {
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32BE(Math.floor(now / 1000) >>> 0, 0);
  XID_MACHINE.copy(bytes, 4);
  bytes.writeUInt16BE(process.pid & 0xffff, 7);
  xidCounter = (xidCounter + 1) & 0xffffff;
  bytes.writeUIntBE(xidCounter, 9, 3);
  // 96 bits → 20 base32 digits (the last digit carries 1 bit of padding, as xid does).
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += XID_ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += XID_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}
