/**
 * Wire shapes of Moonshot's file API (docs/moonshot-wire.md, "Files") and the purposes it accepts.
 */

/**
 * Purposes Moonshot accepts for `POST /v1/files` (docs/moonshot-wire.md, "Files"): `file-extract` (text is
 * extracted for chat), `image` and `video` (referenced as `ms://<id>` in vision messages),
 * `batch` (JSONL input of a batch job).
 */
export const FILE_PURPOSES = ["file-extract", "image", "video", "batch"] as const;

/** One of {@link FILE_PURPOSES}. */
export type FilePurpose = (typeof FILE_PURPOSES)[number];

/** Whether `value` is a purpose Moonshot accepts. */
export function isFilePurpose(value: unknown): value is FilePurpose {
  return typeof value === "string" && (FILE_PURPOSES as readonly string[]).includes(value);
}

/** A file as `GET /v1/files/{id}` returns it (docs/moonshot-wire.md, "Files"). */
export interface FileObject {
  /** 20-character xid, e.g. `cnoki7pkqq4r540f4q6g`. */
  id: string;
  object: "file";
  /** Size in bytes. */
  bytes: number;
  /** Unix seconds. */
  created_at: number;
  filename: string;
  purpose: string;
  /** `"ok"` (2024) or `"ready"` (2026) on success, `"error"` when extraction failed. */
  status: string;
  status_details?: string;
  /** MIME type the service detected, e.g. `image/png` (2026 uploads; docs/moonshot-wire.md, "Files"). */
  file_type?: string;
}

/** What `DELETE /v1/files/{id}` returns. */
export interface FileDeleted {
  id: string;
  object: "file";
  deleted: boolean;
}

/** What `GET /v1/files` returns. */
export interface FileList {
  object: "list";
  data: FileObject[];
  /** Paging fields of 2026 lists (`""` / `false` on an empty list). */
  first_id?: string;
  last_id?: string;
  has_more?: boolean;
}

/** Per-file limit enforced by Moonshot: 100 MB (docs/moonshot-wire.md, "Files"). */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;
/** Per-account file count limit (docs/moonshot-wire.md, "Files"). */
export const MAX_FILES_PER_ACCOUNT = 1_000;
/** Per-account total storage limit: 10 GB (docs/moonshot-wire.md, "Files"). */
export const MAX_TOTAL_BYTES = 10 * 1024 * 1024 * 1024;

/** The `ms://<id>` reference a vision message uses for an uploaded image or video (docs/moonshot-wire.md, "Files"). */
export function msReference(id: string): string {
  return `ms://${id}`;
}
