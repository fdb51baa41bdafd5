/**
 * `kimi.files`: Moonshot's file API (docs/moonshot-wire.md, "Files") with client-side checks, typed errors that
 * name the fix, a local registry of what this library uploaded, batch upload, cleanup, and
 * chat-with-files.
 */

import {
  AbortError,
  ConfigurationError,
  InvalidRequestError,
  StateError,
} from "../errors/error-classes.ts";
import { KimiError } from "../errors/kimi-error.ts";
import { checkSignal } from "../http/request-check.ts";
import { retryServiceRefusals } from "../http/retry-policy.ts";
import type { HttpTransport } from "../http/transport.ts";
import { currentProcess } from "../state/process-identity.ts";
import {
  type BatchUploadItem,
  type BatchUploadOptions,
  type BatchUploadResult,
  uploadMany,
} from "./batch-upload.ts";
import {
  type ChatClientLike,
  type ChatWithFilesOptions,
  type ChatWithFilesRequest,
  type ChatWithFilesResult,
  chatWithFiles,
  type FilesChatStream,
  streamWithFiles,
} from "./chat-with-files.ts";
import { type CleanupOptions, type CleanupReport, cleanupFiles } from "./cleanup.ts";
import { type FileContent, parseFileContent } from "./file-content.ts";
import {
  type FileDeleted,
  type FileList,
  type FileObject,
  type FilePurpose,
  msReference,
} from "./file-object.ts";
import { FileRegistry, uploadsInFlight } from "./file-registry.ts";
import { type FileInput, type PreparedFile, prepareFile } from "./file-source.ts";

/** Options of {@link FilesApi.upload}. */
export interface UploadOptions {
  /** What the file is for: `"file-extract"` (default), `"image"`, `"video"`, `"batch"`. */
  purpose?: FilePurpose;
  /** Name sent to Moonshot (default: the path's base name, a `File`'s name, or `"upload"`). */
  filename?: string;
  /** Cancels the upload. */
  signal?: AbortSignal;
}

/** An uploaded file, as the service described it. */
export interface UploadedFile extends FileObject {
  /** `ms://<id>`, to use as `image_url.url` / `video_url.url`, for `image` and `video` files. */
  reference: string | undefined;
  /** The path or name the caller gave. */
  label: string;
}

/** Per-call options of the simple calls (list/get/content/delete). */
export interface FileCallOptions {
  signal?: AbortSignal;
}

/** Settings of {@link FilesApi}. */
export interface FilesApiOptions {
  /** The client's transport (base URL, key, timeouts, retries). */
  http: HttpTransport;
  /** Absolute state directory holding the registry. */
  stateDir: string;
  /** Where chat-with-files sends its chat (the client itself); resolved when first needed. */
  chatClient?: () => ChatClientLike;
  /** The base URL uploads are recorded under in the registry; default the transport's. */
  registryBaseURL?: string | undefined;
}

/**
 * The service answered with a complete non-2xx status (an error, or a redirect that is never
 * followed), so it stored nothing.
 */
function refusedByService(error: unknown): boolean {
  return error instanceof KimiError && error.status !== undefined && error.status >= 300;
}

function fileIdPath(id: string): string {
  if (typeof id !== "string" || id.trim() === "") {
    throw new InvalidRequestError(
      "A file id is required (got an empty id). Use the `id` of an uploaded file.",
    );
  }
  return `/files/${encodeURIComponent(id)}`;
}

/** Moonshot's file API, bound to one client. */
export class FilesApi {
  /** The registry of files this library uploaded and has not deleted. */
  readonly registry: FileRegistry;
  readonly #http: HttpTransport;
  readonly #chatClient: (() => ChatClientLike) | undefined;
  readonly #registryBaseURL: string | undefined;
  /** Names of the files this client uploaded, by id, so later errors can name them. */
  readonly #names = new Map<string, string>();

  constructor(options: FilesApiOptions) {
    this.#http = options.http;
    this.registry = new FileRegistry(options.stateDir);
    this.#chatClient = options.chatClient;
    this.#registryBaseURL = options.registryBaseURL;
  }

  /**
   * The base URL this client's uploads are recorded under in the registry (and that cleanup
   * reads): the `fileRegistryBaseURL` option of `createKimi`, else {@link FilesApi.baseURL}.
   */
  get registryBaseURL(): string {
    return this.#registryBaseURL ?? this.baseURL;
  }

  /** Base URL the files go to (cleanup only touches entries recorded for it). */
  get baseURL(): string {
    return this.#http.options.baseURL;
  }

  /**
   * Uploads a file (`POST /v1/files`). Checks it first (exists, readable, 1 byte–100 MB, known
   * purpose) and throws {@link FileValidationError} before sending anything. The file is recorded
   * in the registry before the request is sent and confirmed with its id when the service
   * answers, so a crash at any point leaves it findable by {@link FilesApi.cleanup}.
   */
  async upload(input: FileInput, options: UploadOptions = {}): Promise<UploadedFile> {
    const prepared = await prepareFile(input, options.purpose ?? "file-extract", options.filename);
    return this.uploadPrepared(prepared, options.signal);
  }

  /** Uploads an already checked file (see {@link prepareFile}). */
  async uploadPrepared(prepared: PreparedFile, signal?: AbortSignal): Promise<UploadedFile> {
    // Checked before the registry entry is written: a wrong signal stores nothing anywhere.
    checkSignal(signal);
    if (signal?.aborted)
      throw new AbortError(`The upload of ${prepared.label} was aborted before it started.`);
    // The global rather than `node:crypto`, whose import costs about 10 ms at start-up.
    const key = globalThis.crypto.randomUUID();
    // Marked before the entry is written, so a concurrent cleanup() never sees it as abandoned.
    uploadsInFlight.add(key);
    let file: FileObject;
    try {
      const owner = await currentProcess();
      await this.registry.add({
        key,
        baseURL: this.registryBaseURL,
        id: null,
        filename: prepared.filename,
        bytes: prepared.bytes,
        purpose: prepared.purpose,
        startedAt: new Date().toISOString(),
        endedAt: null,
        uploadedAt: null,
        pid: owner.pid,
        host: owner.host,
        ownerStart: owner.start,
      });
      try {
        file = await this.#postFile(prepared, signal);
      } catch (error) {
        if (refusedByService(error)) {
          // The service answered with an error status: it stored nothing. Forget the entry.
          await this.registry.removeKeys([key]);
        } else {
          // A cut connection (even after a 200 status line), a timeout or an abort may have
          // happened after the service stored the file: the entry stays pending, with the time
          // the attempt ended, for cleanup() to reconcile against the account's file list.
          await this.registry.markEnded(key, new Date()).catch(() => undefined);
        }
        throw error;
      }
      await this.registry.confirm(key, file.id, new Date());
      this.#names.set(file.id, prepared.filename);
    } finally {
      uploadsInFlight.delete(key);
    }
    const isVision = prepared.purpose === "image" || prepared.purpose === "video";
    return {
      ...file,
      reference: isVision ? msReference(file.id) : undefined,
      label: prepared.label,
    };
  }

  /**
   * Sends the multipart request. The transport retries only failures the service answered
   * (429/5xx): those stored nothing. A lost connection is not retried, since retrying could store
   * a duplicate.
   */
  #postFile(prepared: PreparedFile, signal: AbortSignal | undefined): Promise<FileObject> {
    // A FormData is re-serialized on every attempt, Blob included.
    const form = new FormData();
    form.append("purpose", prepared.purpose);
    form.append("file", prepared.blob, prepared.filename);
    return this.#http.json<FileObject>({
      method: "POST",
      path: "/files",
      body: form,
      signal,
      retryWhen: retryServiceRefusals,
      file: { label: prepared.label },
    });
  }

  /** Lists every file of the account (`GET /v1/files`). */
  async list(options: FileCallOptions = {}): Promise<FileObject[]> {
    const body = await this.#http.json<FileList>({
      method: "GET",
      path: "/files",
      signal: options.signal,
    });
    return Array.isArray(body.data) ? body.data : [];
  }

  /** One file's metadata (`GET /v1/files/{id}`); unknown ids throw {@link NotFoundError}. */
  async get(id: string, options: FileCallOptions = {}): Promise<FileObject> {
    return this.#http.json<FileObject>({
      method: "GET",
      path: fileIdPath(id),
      signal: options.signal,
      file: { fileId: id },
    });
  }

  /**
   * The extracted text of a `file-extract` file (`GET /v1/files/{id}/content`): the JSON document
   * or plain text, both accepted (`format` says which); `raw` is the exact string to put in a
   * system message (docs/moonshot-wire.md, "Files").
   */
  async content(id: string, options: FileCallOptions = {}): Promise<FileContent> {
    const label = this.#names.get(id);
    const raw = await this.#http.text({
      method: "GET",
      path: `${fileIdPath(id)}/content`,
      signal: options.signal,
      file: label === undefined ? { fileId: id } : { fileId: id, label },
    });
    try {
      return parseFileContent(raw, id);
    } catch (error) {
      // The message quotes the body, and the parser's cause quotes it too: a server may have
      // echoed the key into it.
      throw this.#http.redact(error);
    }
  }

  /**
   * Deletes a file (`DELETE /v1/files/{id}`) and drops it from the registry. An unknown id throws
   * {@link NotFoundError} (and is dropped from the registry too: it is gone either way).
   */
  async delete(id: string, options: FileCallOptions = {}): Promise<FileDeleted> {
    let result: FileDeleted;
    try {
      result = await this.#http.json<FileDeleted>({
        method: "DELETE",
        path: fileIdPath(id),
        signal: options.signal,
        file: { fileId: id },
      });
    } catch (error) {
      if (error instanceof KimiError && error.code === "not_found") {
        await this.#forget([id], "was already gone from the account");
      }
      throw error;
    }
    await this.#forget([id], "was deleted from the account");
    return result;
  }

  /** Drops ids from the registry; a failure says that the deletion itself happened. */
  async #forget(ids: readonly string[], what: string): Promise<void> {
    try {
      await this.registry.removeIds(this.registryBaseURL, ids);
    } catch (error) {
      if (!(error instanceof StateError)) throw error;
      throw new StateError(
        `File ${ids.join(", ")} ${what}, but that could not be recorded in the local registry: ${error.message} Until then the registry still lists it; a later cleanup reports it as already gone.`,
        { code: error.code, path: error.path, cause: error },
      );
    }
  }

  /**
   * Uploads many files with bounded concurrency (default 4), reporting progress per file. Never
   * throws for a single file: the result lists what was uploaded and which files failed and why.
   */
  uploadMany(
    items: readonly BatchUploadItem[],
    options: BatchUploadOptions = {},
  ): Promise<BatchUploadResult> {
    return uploadMany(this, items, options);
  }

  /**
   * Deletes the files this library uploaded to this base URL and still tracks (optionally only
   * those older than `olderThanMs`), or with `{ all: true }` every file of the account; then
   * lists the account again and reports what remained.
   */
  cleanup(options: CleanupOptions = {}): Promise<CleanupReport> {
    return cleanupFiles(this, options);
  }

  /**
   * Uploads `request.files`, extracts them, sends their text as system messages (one per file,
   * in order, before the conversation), runs the chat, and deletes the files afterwards, also
   * when the chat fails or is aborted.
   */
  chatWithFiles(
    request: ChatWithFilesRequest,
    options: ChatWithFilesOptions = {},
  ): Promise<ChatWithFilesResult> {
    return chatWithFiles(this, this.#requireChat(), request, options);
  }

  /** Like {@link FilesApi.chatWithFiles}, streamed: iterate the events, await `result`. */
  streamWithFiles(
    request: ChatWithFilesRequest,
    options: ChatWithFilesOptions = {},
  ): FilesChatStream {
    return streamWithFiles(this, this.#requireChat(), request, options);
  }

  #requireChat(): ChatClientLike {
    if (!this.#chatClient) {
      throw new ConfigurationError(
        "This FilesApi has no chat client. Use kimi.files from createKimi() to chat with files.",
        { setting: "chatClient" },
      );
    }
    return this.#chatClient();
  }
}
