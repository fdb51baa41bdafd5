/** `kimi.chat()`: one request, the full answer. */
import { buildChatResult, parseChatCompletion } from "./chat-result.ts";
import { type ChatContext, prepareChatRequest } from "./prepare-request.ts";
import type { ChatRequest, ChatResult, RequestOptions } from "./types.ts";

/** Sends a non-streaming chat completion and records its usage in the ledger. */
export async function completeChat(
  context: ChatContext,
  request: ChatRequest,
  options: RequestOptions = {},
): Promise<ChatResult> {
  const prepared = prepareChatRequest(request, context, false);
  const response = await context.http.jsonResponse<unknown>({
    method: "POST",
    path: "/chat/completions",
    body: prepared.body,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    headers: options.headers,
    model: prepared.modelId,
  });
  const requestId =
    response.headers.get("msh-request-id") ?? response.headers.get("x-trace-id") ?? undefined;
  const received = parseChatCompletion(response.data, requestId);
  const result = buildChatResult(received, prepared.model, prepared.modelId, prepared.prefix);
  context.ledger.record(result);
  return result;
}
