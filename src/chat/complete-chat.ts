/** `kimi.chat()`: one request, the full answer. */
import { responseRequestId } from "../http/raw-response.ts";
import { buildChatResult, parseChatCompletion } from "./chat-result.ts";
import { type ChatContext, chatCompletionRequest, prepareChatRequest } from "./prepare-request.ts";
import type { ChatRequest, ChatResult, RequestOptions } from "./types.ts";

/** Sends a non-streaming chat completion and records its usage in the ledger. */
export async function completeChat(
  context: ChatContext,
  request: ChatRequest,
  options: RequestOptions = {},
): Promise<ChatResult> {
  const prepared = prepareChatRequest(request, context, false);
  const response = await context.http.jsonResponse<unknown>(
    chatCompletionRequest(prepared, options),
  );
  let received: ReturnType<typeof parseChatCompletion>;
  try {
    received = parseChatCompletion(response.data, responseRequestId(response.headers));
  } catch (error) {
    // A malformed body's values are quoted in the message; a server may have echoed the key.
    throw context.http.redact(error);
  }
  const result = buildChatResult(received, prepared.model, prepared.modelId, prepared.prefix);
  context.ledger.record(result);
  return result;
}
