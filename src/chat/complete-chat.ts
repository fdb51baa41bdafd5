/** `kimi.chat()`: one request, the full answer. */
import { responseRequestId } from "../http/raw-response.ts";
import { buildChatResult, parseChatCompletion } from "./chat-result.ts";
import { reportWarning, sendWithModelFallback } from "./model-fallback.ts";
import { type ChatContext, chatCompletionRequest } from "./prepare-request.ts";
import { outputSpentOnReasoning } from "./reasoning-exhaustion.ts";
import type { ChatRequest, ChatResult, RequestOptions } from "./types.ts";

/** Sends a non-streaming chat completion and records its usage in the ledger. */
export async function completeChat(
  context: ChatContext,
  request: ChatRequest,
  options: RequestOptions = {},
): Promise<ChatResult> {
  const {
    prepared,
    value: response,
    warnings,
  } = await sendWithModelFallback(context, request, false, (ready) =>
    context.http.jsonResponse<unknown>(chatCompletionRequest(ready, options)),
  );
  let received: ReturnType<typeof parseChatCompletion>;
  try {
    received = parseChatCompletion(response.data, responseRequestId(response.headers));
  } catch (error) {
    // A malformed body's values are quoted in the message; a server may have echoed the key.
    throw context.http.redact(error);
  }
  const result = buildChatResult(received, prepared.model, prepared.modelId, prepared.prefix);
  result.warnings = warnings;
  const spent = outputSpentOnReasoning(result, prepared.decision.maxTokens, prepared.prefix);
  if (spent) reportWarning(context, result.warnings, spent);
  context.ledger.record(result);
  return result;
}
