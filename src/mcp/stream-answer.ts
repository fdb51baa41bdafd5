/**
 * One streamed answer for the chat tools, with or without local files: the library's
 * `kimi.stream()` or `kimi.files.streamWithFiles()` (upload, extract, answer, and delete the
 * files, also when the call fails or is cancelled), reporting progress as it goes.
 */
import type {
  ChatMessage,
  ChatRequest,
  ChatResult,
  FilesDeletion,
  Kimi,
  StreamEvent,
  UploadedFile,
} from "kimi-provider";
import { withFileMessages } from "kimi-provider/internal";
import type { AllowedFile } from "./allowed-roots.ts";
import type { ProgressReporter } from "./progress-reporter.ts";

/** What came back. */
export interface StreamedAnswer {
  result: ChatResult;
  /** The messages sent, file texts included (what a conversation continues from). */
  sent: ChatMessage[];
  /** The files uploaded for the answer (already deleted unless listed in `deletion.failed`). */
  files: UploadedFile[];
  /** What happened to the uploaded files; `undefined` without files. */
  deletion: FilesDeletion | undefined;
}

function onEvent(event: StreamEvent, progress: ProgressReporter): void {
  if (event.type === "text-delta" || event.type === "reasoning-delta") progress.text(event.text);
}

/** Streams the answer to `request`, the `files` (already checked) put in front of it. */
export async function streamAnswer(
  kimi: Kimi,
  request: ChatRequest,
  files: readonly AllowedFile[],
  signal: AbortSignal,
  progress: ProgressReporter,
): Promise<StreamedAnswer> {
  const model = request.model ?? kimi.config.defaultModel;
  if (files.length === 0) {
    void progress.phase(`asking ${model}`);
    const stream = kimi.stream(request, { signal });
    for await (const event of stream) onEvent(event, progress);
    return { result: await stream.result, sent: request.messages, files: [], deletion: undefined };
  }
  void progress.phase(`uploading ${files.length} file(s) for extraction`);
  const stream = kimi.files.streamWithFiles(
    { ...request, files: files.map((file) => ({ file: file.realPath, filename: file.filename })) },
    { signal },
  );
  let answering = false;
  for await (const event of stream) {
    if (!answering) {
      answering = true;
      void progress.phase(`files extracted; ${model} is answering`);
    }
    onEvent(event, progress);
  }
  const done = await stream.result;
  // Awaited so it leaves before the result; a client may still drop progress that arrives in
  // the same read as the result (the SDK's client handles notifications a tick later).
  await progress.phase(`answered; deleted ${done.deletion.deleted.length} uploaded file(s)`);
  return {
    result: done.result,
    sent: withFileMessages(request.messages, done.contents),
    files: done.files,
    deletion: done.deletion,
  };
}
