/** Files (issue #4): upload/list/get/content/delete, checks, batch upload, cleanup registry, chat with files. */
export * from "./batch-upload.ts";
export * from "./chat-with-files.ts";
export * from "./cleanup.ts";
export * from "./file-content.ts";
export * from "./file-errors.ts";
export * from "./file-lock.ts";
export * from "./file-object.ts";
export * from "./file-registry.ts";
export * from "./file-source.ts";
export * from "./files-api.ts";
export * from "./state-dir.ts";
