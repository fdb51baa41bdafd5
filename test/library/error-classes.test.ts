/**
 * The error classes: one per row of the README's error table (and nothing else in it), one
 * constructor shape, and file context applied once, by the mapping from responses.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import {
  FileLimitError,
  InvalidRequestError,
  RateLimitError,
  StateError,
} from "../../src/errors/error-classes.ts";
import { errorFromResponse } from "../../src/errors/error-mapping.ts";
import { KimiError } from "../../src/errors/kimi-error.ts";
import * as publicApi from "../../src/index.ts";
import { clientFor, tempDir } from "../files/helpers.ts";

/** class name -> codes, from the README's table between its markers. */
async function readmeTable(): Promise<Map<string, string[]>> {
  const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
  const start = readme.indexOf("<!-- error-table:start -->");
  const end = readme.indexOf("<!-- error-table:end -->");
  assert.ok(start >= 0 && end > start, "the README has the error table markers");
  const rows = new Map<string, string[]>();
  for (const line of readme.slice(start, end).split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    const name = /^`([A-Za-z]+)`$/.exec(cells[1] ?? "")?.[1];
    if (name === undefined) continue;
    assert.ok(!rows.has(name), `${name} has one row`);
    rows.set(
      name,
      [...(cells[2] ?? "").matchAll(/`([a-z_]+)`/g)].map((m) => m[1] ?? ""),
    );
  }
  return rows;
}

/** class name -> codes, from the exported classes of the package. */
function exportedClasses(): Map<string, string[]> {
  const classes = new Map<string, string[]>();
  for (const [name, value] of Object.entries(publicApi)) {
    if (typeof value !== "function" || value === KimiError) continue;
    if (!(value.prototype instanceof KimiError)) continue;
    const statics = value as unknown as { code?: string; codes?: readonly string[] };
    const codes = Object.hasOwn(value, "codes") ? [...(statics.codes ?? [])] : [statics.code];
    assert.ok(
      codes.every((code) => typeof code === "string"),
      `${name} states its code`,
    );
    classes.set(name, codes as string[]);
  }
  return classes;
}

describe("the README's error table", () => {
  it("lists every exported error class with its code, and nothing else", async () => {
    const table = await readmeTable();
    const classes = exportedClasses();
    assert.ok(classes.size >= 25, `found ${classes.size} classes`);
    assert.deepEqual(
      [...table.entries()].sort((a, b) => a[0].localeCompare(b[0])),
      [...classes.entries()].sort((a, b) => a[0].localeCompare(b[0])),
    );
  });

  it("every instance carries its class's code and retryability", () => {
    const limit = new FileLimitError("refused", { status: 400 });
    assert.ok(limit instanceof InvalidRequestError);
    assert.equal(limit.code, "file_limit_exceeded");
    assert.equal(limit.retryable, false);
    const rate = new RateLimitError("slow down", { status: 429, retryAfterMs: 1500 });
    assert.equal(rate.code, "rate_limited");
    assert.equal(rate.retryable, true);
    assert.equal(rate.retryAfterMs, 1500);
    const busy = new StateError("locked", { code: "state_busy", path: "/tmp/x" });
    assert.equal(busy.code, "state_busy");
    assert.equal(busy.retryable, true);
    const corrupt = new StateError("damaged", { code: "state_corrupt", path: "/tmp/x" });
    assert.equal(corrupt.retryable, false);
  });
});

describe("file context is applied once, by the mapping", () => {
  it("an upload refused for the file count names the file and keeps the service's text", () => {
    const error = errorFromResponse(
      '{"error":{"type":"invalid_request_error","message":"exceeded the max file count 1000"}}',
      { status: 400, requestId: "req-1", file: { label: "notes.txt", baseURL: "http://x/v1" } },
    );
    assert.ok(error instanceof FileLimitError);
    assert.equal(error.code, "file_limit_exceeded");
    assert.equal(error.requestId, "req-1");
    assert.equal(error.cause, undefined);
    assert.equal(
      error.message,
      "Upload of notes.txt refused. The account has reached its maximum number of files (1,000 on Moonshot; the service's limit is quoted below): delete files you no longer need with kimi.files.cleanup() (files this library uploaded) or kimi.files.cleanup({ all: true }) (every file of the account). [The file was refused (HTTP 400 invalid_request_error: exceeded the max file count 1000). Delete files you no longer need (`kimi-provider files cleanup`).]",
    );
  });

  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  it("files.get of an unknown id: a NotFoundError naming the id, not wrapping another error", async () => {
    const dir = await tempDir();
    try {
      const kimi = clientFor(emu.baseURL, `${dir.path}/state`);
      await assert.rejects(kimi.files.get("file-missing"), (error: unknown) => {
        assert.ok(error instanceof publicApi.NotFoundError);
        assert.equal(error.code, "not_found");
        assert.equal(error.status, 404);
        assert.equal(error.cause, undefined);
        assert.match(error.message, /^File file-missing does not exist on http:\/\/127\.0\.0\.1:/);
        return true;
      });
    } finally {
      await dir.cleanup();
    }
  });
});
