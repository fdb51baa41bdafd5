/**
 * `kimi-provider files upload|list|get|content|delete|cleanup`: Moonshot's file API
 * (docs/moonshot-wire.md, "Files") through the library's `FilesApi` (checks, typed errors, the local registry of
 * uploads that `cleanup` relies on).
 */

import type { CleanupReport, FileObject, FilePurpose, FilesApi, SkippedFile } from "kimi-provider";
import { FILE_PURPOSES } from "kimi-provider";
import { isFilePurpose, prepareFile } from "kimi-provider/internal";
import { parseCommandArgs } from "../arguments.ts";
import type { CliContext } from "../context.ts";
import { parseDuration } from "../duration.ts";
import { EXIT } from "../exit-codes.ts";
import { describeFailure } from "../failure.ts";
import { formatCount, plural } from "../format.ts";
import { openService, type ServiceSession } from "../service.ts";
import { formatTable } from "../table.ts";
import { printJson, type Terminal } from "../terminal.ts";
import { UsageError } from "../usage-error.ts";

const SUBCOMMANDS = ["upload", "list", "get", "content", "delete", "cleanup"] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

function isSubcommand(value: string | undefined): value is Subcommand {
  return (SUBCOMMANDS as readonly (string | undefined)[]).includes(value);
}

/** The service's own fields of a file object (drops the library's `reference`/`label`). */
function wireFile(file: FileObject): FileObject {
  const { id, object, bytes, created_at, filename, purpose, status, status_details } = file;
  return {
    id,
    object,
    bytes,
    created_at,
    filename,
    purpose,
    status,
    ...(status_details === undefined ? {} : { status_details }),
  };
}

function isoTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(".000Z", "Z");
}

function fileTable(files: readonly FileObject[]): string {
  return formatTable(
    [
      { header: "id" },
      { header: "filename" },
      { header: "bytes", right: true },
      { header: "purpose" },
      { header: "status" },
      { header: "created" },
    ],
    files.map((file) => [
      file.id,
      file.filename,
      formatCount(file.bytes),
      file.purpose,
      file.status,
      isoTime(file.created_at),
    ]),
  );
}

function needIds(sub: Subcommand, ids: readonly string[], max?: number): void {
  if (ids.length === 0) {
    throw new UsageError(
      "ID",
      `\`files ${sub}\` needs a file id. Run \`kimi-provider files list\` to see them.`,
      "files",
    );
  }
  if (max !== undefined && ids.length > max) {
    throw new UsageError("ID", `\`files ${sub}\` takes one file id, got ${ids.length}.`, "files");
  }
}

function noArguments(sub: Subcommand, args: readonly string[]): void {
  if (args.length > 0) {
    throw new UsageError(
      sub,
      `\`files ${sub}\` takes no argument, got ${JSON.stringify(args[0])}.`,
      "files",
    );
  }
}

/** Runs `kimi-provider files`. */
export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs("files", args, {
    json: { type: "boolean" },
    purpose: { type: "string" },
    all: { type: "boolean" },
    force: { type: "boolean" },
    "older-than": { type: "string" },
  });
  const [sub, ...rest] = positionals;
  if (!isSubcommand(sub)) {
    throw new UsageError(
      "SUBCOMMAND",
      sub === undefined
        ? `\`files\` needs a subcommand: ${SUBCOMMANDS.join(", ")}. Run \`kimi-provider files --help\`.`
        : `Unknown subcommand \`files ${sub}\`; use one of ${SUBCOMMANDS.join(", ")}.`,
      "files",
    );
  }
  let purpose: FilePurpose = "file-extract";
  if (values.purpose !== undefined) {
    if (sub !== "upload")
      throw new UsageError("--purpose", "--purpose only applies to `files upload`.", "files");
    if (!isFilePurpose(values.purpose)) {
      throw new UsageError(
        "--purpose",
        `--purpose "${values.purpose}" is not one Moonshot accepts: use ${FILE_PURPOSES.join(", ")}.`,
        "files",
      );
    }
    purpose = values.purpose;
  }
  if ((values.all || values.force || values["older-than"] !== undefined) && sub !== "cleanup") {
    throw new UsageError(
      values.all ? "--all" : values.force ? "--force" : "--older-than",
      "--all, --force and --older-than only apply to `files cleanup`.",
      "files",
    );
  }
  const olderThanMs =
    values["older-than"] === undefined
      ? undefined
      : parseDuration(values["older-than"], "--older-than");
  if (sub === "upload" && rest.length === 0) {
    throw new UsageError("PATH", "`files upload` needs at least one PATH.", "files");
  }
  if (sub === "get" || sub === "content") needIds(sub, rest, 1);
  if (sub === "delete") needIds(sub, rest);
  if (sub === "list" || sub === "cleanup") noArguments(sub, rest);
  // Check every path before anything is sent: a typo fails fast with exit 2, nothing uploaded.
  const prepared =
    sub === "upload" ? await Promise.all(rest.map((path) => prepareFile(path, purpose))) : [];

  const session = await openService(context, { verbose: values.verbose === true });
  try {
    const files = session.kimi.files;
    const json = values.json === true;
    const { terminal, signal } = context;
    switch (sub) {
      case "upload": {
        const uploaded: FileObject[] = [];
        try {
          for (const file of prepared) {
            const result = wireFile(await files.uploadPrepared(file, signal));
            uploaded.push(result);
            if (!json) {
              terminal.out(
                `uploaded ${file.label} -> ${result.id} (${formatCount(result.bytes)} bytes, ${result.purpose}, ${result.status})\n`,
              );
            }
          }
        } catch (error) {
          // A script must still learn the ids of the files that did upload before the failure.
          if (json && prepared.length > 1 && uploaded.length > 0) printJson(terminal, uploaded);
          throw error;
        }
        if (json) printJson(terminal, prepared.length === 1 ? uploaded[0] : uploaded);
        return EXIT.ok;
      }
      case "list": {
        const list = (await files.list({ signal })).map(wireFile);
        if (json) printJson(terminal, list);
        else if (list.length === 0) terminal.out("No files.\n");
        else terminal.out(fileTable(list));
        return EXIT.ok;
      }
      case "get": {
        const file = wireFile(await files.get(rest[0] ?? "", { signal }));
        if (json) printJson(terminal, file);
        else terminal.out(fileTable([file]));
        return EXIT.ok;
      }
      case "content": {
        const content = await files.content(rest[0] ?? "", { signal });
        if (json) {
          printJson(terminal, {
            content: content.content,
            file_type: content.fileType,
            filename: content.filename,
            title: content.title,
            type: content.type,
          });
        } else {
          terminal.out(content.content.endsWith("\n") ? content.content : `${content.content}\n`);
        }
        return EXIT.ok;
      }
      case "delete":
        return await deleteFiles(files, rest, json, context, session);
      case "cleanup":
        return await cleanup(
          files,
          { all: values.all === true, force: values.force === true, olderThanMs },
          json,
          context,
        );
    }
  } finally {
    await session.close();
  }
}

async function deleteFiles(
  files: FilesApi,
  ids: readonly string[],
  json: boolean,
  context: CliContext,
  session: ServiceSession,
): Promise<number> {
  const deleted: unknown[] = [];
  let failures = 0;
  for (const id of ids) {
    try {
      const result = await files.delete(id, { signal: context.signal });
      deleted.push(result);
      if (!json) context.terminal.out(`deleted ${id}\n`);
    } catch (error) {
      if (context.signal.aborted) throw error;
      failures += 1;
      context.terminal.err(describeFailure(error, session.secrets));
    }
  }
  if (json) printJson(context.terminal, ids.length === 1 ? (deleted[0] ?? null) : deleted);
  return failures === 0 ? EXIT.ok : EXIT.serviceFailure;
}

async function cleanup(
  files: FilesApi,
  flags: { all: boolean; force: boolean; olderThanMs: number | undefined },
  json: boolean,
  context: CliContext,
): Promise<number> {
  const { terminal, signal } = context;
  const report = await files.cleanup({
    all: flags.all,
    force: flags.force,
    signal,
    ...(flags.olderThanMs === undefined ? {} : { olderThanMs: flags.olderThanMs }),
  });
  if (json) {
    printJson(terminal, {
      mode: report.mode,
      deleted: report.deleted,
      failed: report.failed.map((failure) => ({
        id: failure.id,
        error: failure.error instanceof Error ? failure.error.message : String(failure.error),
      })),
      skipped: report.skippedFiles,
    });
  } else {
    printCleanup(terminal, report);
  }
  return report.failed.length === 0 ? EXIT.ok : EXIT.serviceFailure;
}

function describeSkipped(file: SkippedFile): string {
  return `${file.id ?? "(upload in progress)"} ${file.filename} (pid ${file.pid})`;
}

function printCleanup(terminal: Terminal, report: CleanupReport): void {
  const { mode, deleted, failed, skippedFiles } = report;
  const noun = plural(deleted.length, "file");
  const scope =
    mode === "all" ? `account ${noun}` : `${noun} uploaded by kimi-provider on this machine`;
  terminal.out(
    `deleted ${deleted.length} ${scope}${deleted.length > 0 ? `: ${deleted.join(" ")}` : ""}\n`,
  );
  const inUse = skippedFiles.filter((file) => file.reason === "in-use");
  const recent = skippedFiles.filter((file) => file.reason === "too-recent");
  if (inUse.length > 0) {
    terminal.out(
      `skipped ${inUse.length} in use by a running kimi-provider process: ${inUse.map(describeSkipped).join(", ")}; run again once it has finished, or use --force\n`,
    );
  }
  if (recent.length > 0) {
    terminal.out(
      `skipped ${recent.length} newer than --older-than: ${recent.map(describeSkipped).join(", ")}\n`,
    );
  }
  if (failed.length > 0)
    terminal.out(`${failed.length} could not be deleted; run the command again.\n`);
}
