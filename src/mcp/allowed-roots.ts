/**
 * The directories the MCP file tools may read: the `--allow-dir` directories and the roots the
 * host declares (`roots/list`, refreshed after `notifications/roots/list_changed`). A path is
 * accepted only when both its lexical form and its real path (symlinks resolved) lie under one
 * of them, so a symlink inside a root that points outside is refused, and nothing outside the
 * roots is even touched on disk (no existence probe).
 */
import { realpath, stat } from "node:fs/promises";
import { basename, isAbsolute, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigurationError, FileValidationError } from "kimi-provider";
import { type DocumentKind, documentKind, supportedExtensions } from "./document-types.ts";

/** A root as the host declares it (`roots/list`). */
export interface HostRoot {
  uri: string;
  name?: string;
}

/** Asks the host for its roots; `undefined` when the host declares none. */
export type HostRootsSource = () => Promise<readonly HostRoot[] | undefined>;

/** An allowed directory: as declared (made absolute) and its real path. */
export interface RootDir {
  declared: string;
  real: string;
}

/** A file the tools may read. */
export interface AllowedFile {
  /** The path as the caller gave it. */
  path: string;
  /** The real path (symlinks resolved), the one that is read. */
  realPath: string;
  /** Name sent to the service: the base name of the given path. */
  filename: string;
  bytes: number;
  kind: Exclude<DocumentKind, "unsupported">;
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

function errorCode(error: unknown): string | undefined {
  return error && typeof error === "object" && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined;
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / (1024 * 1024)).toFixed(1)} MB`
    : `${(bytes / 1024).toFixed(1)} KB`;
}

/**
 * Resolves `--allow-dir` values to real directories. Throws {@link ConfigurationError} naming
 * the flag for a directory that does not exist or is not a directory.
 */
export async function resolveAllowedDirs(dirs: readonly string[]): Promise<RootDir[]> {
  const result: RootDir[] = [];
  for (const dir of dirs) {
    let real: string;
    try {
      real = await realpath(resolve(dir));
    } catch {
      throw new ConfigurationError(
        `--allow-dir ${JSON.stringify(dir)} does not exist. Pass a directory the file tools may read.`,
        { setting: "--allow-dir" },
      );
    }
    if (!(await stat(real)).isDirectory()) {
      throw new ConfigurationError(
        `--allow-dir ${JSON.stringify(dir)} is not a directory. Pass a directory the file tools may read.`,
        { setting: "--allow-dir" },
      );
    }
    result.push({ declared: resolve(dir), real });
  }
  return result;
}

/** The allowed roots of one MCP session. */
export class AllowedRoots {
  readonly #configured: readonly RootDir[];
  readonly #host: HostRootsSource | undefined;
  readonly #maxFileBytes: number;
  #hostRoots: Promise<RootDir[]> | undefined;

  /**
   * `configured`: real paths of the `--allow-dir` directories (see {@link resolveAllowedDirs});
   * `host`: how to ask the host for its roots; `maxFileBytes`: the largest file accepted.
   */
  constructor(
    configured: readonly RootDir[],
    host: HostRootsSource | undefined,
    maxFileBytes: number,
  ) {
    this.#configured = configured;
    this.#host = host;
    this.#maxFileBytes = maxFileBytes;
  }

  /** Forgets the host's roots; the next check asks again (`roots/list_changed`). */
  invalidate(): void {
    this.#hostRoots = undefined;
  }

  /** Every allowed root: `--allow-dir` first, then the host's. */
  async list(): Promise<RootDir[]> {
    this.#hostRoots ??= this.#loadHostRoots();
    return [...this.#configured, ...(await this.#hostRoots)];
  }

  async #loadHostRoots(): Promise<RootDir[]> {
    if (!this.#host) return [];
    let roots: readonly HostRoot[] | undefined;
    try {
      roots = await this.#host();
    } catch {
      // A host that fails roots/list grants nothing; ask again next time.
      this.#hostRoots = undefined;
      return [];
    }
    const result: RootDir[] = [];
    for (const root of roots ?? []) {
      if (!root.uri.startsWith("file://")) continue;
      try {
        const declared = fileURLToPath(root.uri);
        result.push({ declared, real: await realpath(declared) });
      } catch {
        // A root that does not exist on this machine grants nothing.
      }
    }
    return result;
  }

  /**
   * Checks that `path` may be read and returns what to read. Throws {@link FileValidationError}
   * (code `invalid_file`) for a path outside the roots (symlinks included), a missing file, a
   * directory, an unsupported type or a file over the size limit.
   */
  async check(path: string): Promise<AllowedFile> {
    const roots = await this.list();
    if (roots.length === 0) {
      throw new FileValidationError(
        `Cannot read ${path}: no directory is allowed. Start the server with --allow-dir DIR, or use a host that declares MCP roots.`,
        { file: path },
      );
    }
    const outside = () =>
      new FileValidationError(
        `Cannot read ${path}: it is outside the allowed directories (${[...new Set(roots.map((root) => root.declared))].join(", ")}). Only files under --allow-dir directories or the host's roots can be read; symlinks are followed and must stay inside them.`,
        { file: path },
      );
    const absolute = resolve(path);
    // Lexical check first (roots as declared and as resolved), so nothing outside is probed.
    if (!roots.some((root) => isInside(root.declared, absolute) || isInside(root.real, absolute))) {
      throw outside();
    }
    let real: string;
    try {
      real = await realpath(absolute);
    } catch (error) {
      const code = errorCode(error);
      throw new FileValidationError(
        code === "ENOENT"
          ? `Cannot read ${path}: no such file. Check the path.`
          : `Cannot read ${path} (${code ?? "unreadable"}). Check the path and its permissions.`,
        { file: path },
      );
    }
    if (!roots.some((root) => isInside(root.real, real))) throw outside();
    const info = await stat(real);
    if (!info.isFile()) {
      throw new FileValidationError(
        `Cannot read ${path}: it is ${info.isDirectory() ? "a directory" : "not a regular file"}. Pass the path of a file.`,
        { file: path },
      );
    }
    const kind = documentKind(real);
    if (kind === "unsupported") {
      throw new FileValidationError(
        `Cannot use ${path}: its type is not one Kimi can read. Supported: ${supportedExtensions()}.`,
        { file: path },
      );
    }
    if (info.size > this.#maxFileBytes) {
      throw new FileValidationError(
        `Cannot use ${path}: it is ${formatSize(info.size)} (${info.size} bytes), over this server's limit of ${formatSize(this.#maxFileBytes)} (${this.#maxFileBytes} bytes). Split it, or raise --max-file-mb.`,
        { file: path },
      );
    }
    if (info.size === 0) {
      throw new FileValidationError(`Cannot use ${path}: the file is empty.`, { file: path });
    }
    return { path, realPath: real, filename: basename(absolute), bytes: info.size, kind };
  }
}
