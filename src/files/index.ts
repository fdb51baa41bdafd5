/** Files (issue #4): the public surface of `kimi.files` and its types. */
export type {
  BatchUploadItem,
  BatchUploadOptions,
  BatchUploadResult,
  FailedUpload,
  UploadProgress,
} from "./batch-upload.ts";
export type {
  ChatFileItem,
  ChatWithFilesOptions,
  ChatWithFilesRequest,
  ChatWithFilesResult,
  FilesChatStream,
  FilesDeletion,
} from "./chat-with-files.ts";
export type { CleanupOptions, CleanupReport, SkippedFile } from "./cleanup.ts";
export { type FileContent, parseFileContent } from "./file-content.ts";
export {
  FILE_PURPOSES,
  type FileDeleted,
  type FileList,
  type FileObject,
  type FilePurpose,
  MAX_FILE_BYTES,
  MAX_FILES_PER_ACCOUNT,
  MAX_TOTAL_BYTES,
  msReference,
} from "./file-object.ts";
export { FileRegistry, type RegistryEntry } from "./file-registry.ts";
export type { FileInput } from "./file-source.ts";
export {
  type FileCallOptions,
  FilesApi,
  type UploadedFile,
  type UploadOptions,
} from "./files-api.ts";
