/**
 * Chat about documents in one call: upload the files (`file-extract`), fetch their extracted
 * text, put each text verbatim in its own system message (in the order given, before the
 * conversation), check the whole prompt against the model's context window, run the chat
 * (plain or streamed), and delete the files afterwards, whether the chat succeeded, failed or
 * was aborted.
 *
 * Why the text and not the id: Moonshot does not accept a file id as message content; its docs
 * say to paste the content endpoint's string into a system message (docs/moonshot-wire.md, "Files").
 */
import { mapSettled } from "../async/concurrency.ts";
import { EventQueue } from "../async/event-queue.ts";
import type {
  ChatMessage,
  ChatRequest,
  ChatResult,
  RequestOptions,
  StreamEvent,
  ToolDefinition,
} from "../chat/types.ts";
import { AbortError, ContextOverflowError } from "../errors/error-classes.ts";
import { estimateTextTokens } from "../tokens/local-estimator.ts";
import type { FileContent } from "./file-content.ts";
import { filesInUse } from "./file-registry.ts";
import { type FileInput, type PreparedFile, prepareFile } from "./file-source.ts";
import type { FilesApi, UploadedFile } from "./files-api.ts";

/** What chat-with-files needs from the client (satisfied by `createKimi()`'s result). */
export interface ChatClientLike {
  readonly config: { defaultModel: string };
  chat(request: ChatRequest, options?: RequestOptions): Promise<ChatResult>;
  stream(
    request: ChatRequest,
    options?: RequestOptions,
  ): AsyncIterable<StreamEvent> & { result: Promise<ChatResult> };
  readonly tokens: {
    checkContext(input: {
      model?: string;
      messages: ChatMessage[];
      tools?: ToolDefinition[];
      maxTokens?: number;
    }): {
      promptTokens: number;
      maxTokens: number;
      contextWindow: number | undefined;
      fits: boolean;
      overflowBy: number;
    };
  };
}

/** A document to chat about: a path, a Blob/File, bytes, or one of those with a name. */
export type ChatFileItem = FileInput | { file: FileInput; filename?: string };

/** A chat request plus the documents to put in front of it. */
export interface ChatWithFilesRequest extends ChatRequest {
  /** Documents, uploaded with purpose `file-extract`; their texts go in this order. */
  files: ChatFileItem[];
}

/** Options of `files.chatWithFiles()` and `streamWithFiles()`: the call's options plus upload concurrency. */
export interface ChatWithFilesOptions extends RequestOptions {
  /** Uploads in flight at once (default 4). */
  concurrency?: number;
}

/** What happened to the uploaded files at the end. */
export interface FilesDeletion {
  /** Ids deleted. */
  deleted: string[];
  /** Ids whose deletion failed; they stay in the registry for `files.cleanup()`. */
  failed: { id: string; error: unknown }[];
}

/** What `files.chatWithFiles()` resolves with: the answer, the files, their texts, and their deletion. */
export interface ChatWithFilesResult {
  /** The chat's answer. */
  result: ChatResult;
  /** The files as uploaded (already deleted). */
  files: UploadedFile[];
  /** Their extracted contents, in order. */
  contents: FileContent[];
  /** The deletion afterwards. */
  deletion: FilesDeletion;
}

/** A streamed chat with files: iterate the events, or await `result` (resolves after deletion). */
export interface FilesChatStream extends AsyncIterable<StreamEvent> {
  readonly result: Promise<ChatWithFilesResult>;
}

interface PreparedChat {
  request: ChatRequest;
  contents: FileContent[];
}

function splitItem(item: ChatFileItem): { file: FileInput; filename: string | undefined } {
  if (typeof item === "string" || item instanceof Blob || item instanceof Uint8Array) {
    return { file: item, filename: undefined };
  }
  return { file: item.file, filename: item.filename };
}

/**
 * Puts one system message per file after the request's leading system messages (so a system
 * prompt stays first) and before the first user/assistant/tool message.
 */
export function withFileMessages(
  messages: readonly ChatMessage[],
  contents: readonly FileContent[],
): ChatMessage[] {
  let insertAt = 0;
  while (insertAt < messages.length && messages[insertAt]?.role === "system") insertAt++;
  const fileMessages: ChatMessage[] = contents.map((content) => ({
    role: "system",
    content: content.raw,
  }));
  return [...messages.slice(0, insertAt), ...fileMessages, ...messages.slice(insertAt)];
}

/** Uploads and extracts; every uploaded file is pushed to `uploaded` at once (for deletion). */
async function prepareChat(
  files: FilesApi,
  client: ChatClientLike,
  request: ChatWithFilesRequest,
  options: ChatWithFilesOptions,
  uploaded: UploadedFile[],
): Promise<PreparedChat> {
  const { files: items, ...chatRequest } = request;
  // Check every file before sending any byte: a bad path fails the call with nothing uploaded.
  const prepared: PreparedFile[] = [];
  for (const item of items) {
    const { file, filename } = splitItem(item);
    prepared.push(await prepareFile(file, "file-extract", filename));
  }
  const byIndex: (UploadedFile | undefined)[] = new Array(prepared.length);
  const outcomes = await mapSettled(prepared, options.concurrency ?? 4, async (file, index) => {
    const done = await files.uploadPrepared(file, options.signal);
    // In use until deleted: a cleanup() in this process leaves it alone meanwhile.
    filesInUse.add(done.id);
    uploaded.push(done);
    byIndex[index] = done;
    return done;
  });
  const failure = outcomes.find((outcome) => outcome.status === "rejected");
  if (failure && failure.status === "rejected") throw failure.reason;

  const ordered = byIndex.filter((file): file is UploadedFile => file !== undefined);
  // Uploads finish in any order; the result lists the files in the order they were given.
  uploaded.splice(0, uploaded.length, ...ordered);
  const contents: FileContent[] = [];
  for (const file of ordered)
    contents.push(await files.content(file.id, { signal: options.signal }));

  const messages = withFileMessages(chatRequest.messages, contents);
  const model = chatRequest.model ?? client.config.defaultModel;
  // Same rule as the chat policy: an explicit maxTokens must fit next to the prompt; the default
  // is clamped to the room left, so then the prompt only needs to leave room for one token.
  const explicitMax = chatRequest.maxTokens;
  const check = client.tokens.checkContext({
    model,
    messages,
    ...(chatRequest.tools ? { tools: chatRequest.tools } : {}),
    maxTokens: explicitMax ?? 1,
  });
  if (!check.fits && check.contextWindow !== undefined) {
    const perFile = contents
      .map(
        (content, i) =>
          `${ordered[i]?.label ?? content.filename}: ~${estimateTextTokens(content.raw)}`,
      )
      .join(", ");
    const output =
      explicitMax !== undefined
        ? `with maxTokens ${explicitMax} that is ${check.overflowBy} tokens over`
        : `that leaves no room for an answer: ${check.overflowBy} tokens over`;
    throw new ContextOverflowError(
      `The extracted text of ${contents.length} file(s) (${perFile} tokens) plus the conversation is ~${check.promptTokens} prompt tokens; ${output} the ${check.contextWindow}-token context window of ${model}. Send fewer or shorter files${explicitMax !== undefined ? ", lower maxTokens" : ""}, or use a model with a larger window. The uploaded files were deleted; nothing was sent to the chat.`,
      { limit: check.contextWindow, requested: check.promptTokens + check.maxTokens },
    );
  }
  return { request: { ...chatRequest, messages }, contents };
}

/** Deletes every uploaded file, ignoring the caller's (possibly aborted) signal. */
async function deleteUploaded(
  files: FilesApi,
  uploaded: readonly UploadedFile[],
): Promise<FilesDeletion> {
  const outcomes = await mapSettled(uploaded, 4, (file) =>
    files.delete(file.id).finally(() => filesInUse.delete(file.id)),
  );
  const deletion: FilesDeletion = { deleted: [], failed: [] };
  outcomes.forEach((outcome, index) => {
    const id = uploaded[index]?.id ?? "";
    if (outcome.status === "fulfilled") deletion.deleted.push(id);
    else deletion.failed.push({ id, error: outcome.reason });
  });
  return deletion;
}

function chatOptions(
  options: ChatWithFilesOptions,
  signal: AbortSignal | undefined,
): RequestOptions {
  const { concurrency: _concurrency, ...rest } = options;
  return signal ? { ...rest, signal } : rest;
}

/** Runs a non-streamed chat with files. See the module comment. */
export async function chatWithFiles(
  files: FilesApi,
  client: ChatClientLike,
  request: ChatWithFilesRequest,
  options: ChatWithFilesOptions = {},
): Promise<ChatWithFilesResult> {
  const uploaded: UploadedFile[] = [];
  let outcome: { result: ChatResult; contents: FileContent[] } | { error: unknown };
  try {
    const prepared = await prepareChat(files, client, request, options, uploaded);
    const result = await client.chat(prepared.request, chatOptions(options, options.signal));
    outcome = { result, contents: prepared.contents };
  } catch (error) {
    outcome = { error };
  }
  const deletion = await deleteUploaded(files, uploaded);
  if ("error" in outcome) throw outcome.error;
  return { ...outcome, files: [...uploaded], deletion };
}

/** Runs a streamed chat with files; work starts at once. See the module comment. */
export function streamWithFiles(
  files: FilesApi,
  client: ChatClientLike,
  request: ChatWithFilesRequest,
  options: ChatWithFilesOptions = {},
): FilesChatStream {
  const controller = new AbortController();
  // Leaving the loop early stops the chat and waits for the files to be deleted.
  const queue = new EventQueue<StreamEvent>({
    iteratedTwice: "A chat-with-files stream's events can be iterated only once.",
    onReturn: async () => {
      controller.abort();
      await result.catch(() => undefined);
    },
  });
  const onCallerAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) controller.abort(options.signal.reason);
  else options.signal?.addEventListener("abort", onCallerAbort, { once: true });

  const run = async (): Promise<ChatWithFilesResult> => {
    const uploaded: UploadedFile[] = [];
    try {
      const prepared = await prepareChat(
        files,
        client,
        request,
        { ...options, signal: controller.signal },
        uploaded,
      );
      const stream = client.stream(prepared.request, chatOptions(options, controller.signal));
      for await (const event of stream) queue.push(event);
      const result = await stream.result;
      const deletion = await deleteUploaded(files, uploaded);
      queue.end();
      return { result, files: [...uploaded], contents: prepared.contents, deletion };
    } catch (error) {
      await deleteUploaded(files, uploaded);
      const reported =
        controller.signal.aborted && !(error instanceof AbortError)
          ? new AbortError(undefined, { cause: error })
          : error;
      queue.end({ error: reported });
      throw reported;
    } finally {
      options.signal?.removeEventListener("abort", onCallerAbort);
    }
  };
  const result = run();
  // The error also reaches the iterator; don't let an un-awaited `result` crash the process.
  result.catch(() => undefined);

  return {
    result,
    [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator](),
  };
}
