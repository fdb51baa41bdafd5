/**
 * The bearer token of the HTTP server (`--token` or `KIMI_MCP_TOKEN`): compared in constant
 * time, over digests so that the lengths do not leak either.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Whether `headers` carry `Authorization: Bearer <token>`. */
export function hasBearerToken(headers: IncomingHttpHeaders, token: string): boolean {
  const header = headers.authorization;
  if (typeof header !== "string") return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) return false;
  return timingSafeEqual(digest(match[1]), digest(token));
}
