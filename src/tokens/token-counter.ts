/**
 * Token counting through the service (`POST /v1/tokenizers/estimate-token-count`, response
 * `{data:{total_tokens}}`, docs/moonshot-wire.md, "Token estimate"), with the local estimate as the fallback when the
 * service cannot be asked (no key, offline, error). The result says which one answered.
 */
import { AbortError } from "../errors/error-classes.ts";
import { KimiError } from "../errors/kimi-error.ts";
import type { HttpTransport } from "../http/transport.ts";
import { type EstimableMessage, estimatePromptTokens } from "./local-estimator.ts";

/** A token count and where it came from. */
export interface TokenCount {
  tokens: number;
  /** `service`: Moonshot's tokenizer; `local`: this library's estimate (about ±20%). */
  source: "service" | "local";
  /** Why the local estimate was used, when it was. */
  fallbackReason?: string;
}

/** What to count: the model and the messages of a prompt. */
export interface TokenCountRequest {
  model: string;
  messages: readonly EstimableMessage[];
  /** Counted locally only: the endpoint has no `tools` field (docs/moonshot-wire.md, "Token estimate"). */
  tools?: readonly unknown[];
}

/**
 * Asks the service to count the prompt tokens of `request`; falls back to the local estimate on
 * any failure except the caller's own abort.
 */
export async function countTokens(
  http: HttpTransport,
  request: TokenCountRequest,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<TokenCount> {
  const local = () => estimatePromptTokens(request.messages, request.tools);
  try {
    const body = await http.json<unknown>({
      method: "POST",
      path: "/tokenizers/estimate-token-count",
      body: { model: request.model, messages: request.messages },
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      model: request.model,
      maxRetries: 0,
    });
    const total = (body as { data?: { total_tokens?: unknown } } | null)?.data?.total_tokens;
    if (typeof total !== "number" || !Number.isFinite(total)) {
      return {
        tokens: local(),
        source: "local",
        fallbackReason: "the service answered without data.total_tokens",
      };
    }
    const toolTokens =
      request.tools && request.tools.length > 0
        ? estimatePromptTokens([], request.tools) - estimatePromptTokens([])
        : 0;
    return { tokens: total + toolTokens, source: "service" };
  } catch (error) {
    if (error instanceof AbortError) throw error;
    const reason = error instanceof KimiError ? `${error.code}: ${error.message}` : String(error);
    return { tokens: local(), source: "local", fallbackReason: reason };
  }
}
