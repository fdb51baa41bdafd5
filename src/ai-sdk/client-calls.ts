/**
 * The two ways a model call reaches the service, both through the library's client: a plain
 * chat, or, when the prompt carries documents, the client's chat-with-files (upload, extract,
 * system messages, delete afterwards whatever happens).
 */
import type {
  ChatFileItem,
  ChatRequest,
  ChatResult,
  Kimi,
  RequestOptions,
  StreamEvent,
} from "kimi-provider";

/** A stream of the client's events with its accumulated result. */
export interface ClientStream extends AsyncIterable<StreamEvent> {
  readonly result: Promise<ChatResult>;
}

/** One non-streamed request. */
export async function completeOnce(
  kimi: Kimi,
  request: ChatRequest,
  documents: readonly ChatFileItem[],
  options: RequestOptions,
): Promise<ChatResult> {
  if (documents.length === 0) return kimi.chat(request, options);
  const answer = await kimi.files.chatWithFiles({ ...request, files: [...documents] }, options);
  return answer.result;
}

/** One streamed request; leaving its iteration early aborts it (and deletes uploaded files). */
export function streamOnce(
  kimi: Kimi,
  request: ChatRequest,
  documents: readonly ChatFileItem[],
  options: RequestOptions,
): ClientStream {
  if (documents.length === 0) return kimi.stream(request, options);
  const stream = kimi.files.streamWithFiles({ ...request, files: [...documents] }, options);
  const result = stream.result.then((answer) => answer.result);
  // The failure also reaches the iterator; an unread `result` must not crash the process.
  result.catch(() => undefined);
  return { result, [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator]() };
}
