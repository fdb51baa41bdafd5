import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { startEmulator } from "../../src/emulator/index.ts";
import { FileValidationError, InvalidRequestError } from "../../src/errors/error-classes.ts";
import type { UploadProgress } from "../../src/files/batch-upload.ts";
import { clientFor, tempDir, writeTemp } from "./helpers.ts";

describe("batch upload", async () => {
  const emu = await startEmulator({ limits: { maxFileBytes: 64 } });
  const dir = await tempDir();
  const kimi = clientFor(emu.baseURL, join(dir.path, "state"));

  // A scripted service that holds uploads until `limit` are in flight (or all remaining have
  // arrived), so the highest concurrency it sees is exactly what the client allowed.
  const total = 7;
  let inFlight = 0;
  let maxInFlight = 0;
  let received = 0;
  let nextId = 0;
  const held: ServerResponse[] = [];
  const release = () => {
    for (const res of held.splice(0)) {
      inFlight--;
      const id = `f${String(nextId++).padStart(19, "0")}`;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id,
          object: "file",
          bytes: 1,
          created_at: 1,
          filename: "x.txt",
          purpose: "file-extract",
          status: "ok",
        }),
      );
    }
  };
  const scripted = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on("end", () => {
      received++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      held.push(res);
      if (inFlight >= 2 || received === total) release();
    });
  });
  await new Promise<void>((resolveListen) => scripted.listen(0, "127.0.0.1", resolveListen));
  const scriptedURL = `http://127.0.0.1:${(scripted.address() as AddressInfo).port}/v1`;

  after(async () => {
    await emu.close();
    scripted.closeAllConnections();
    await new Promise((resolveClose) => scripted.close(resolveClose));
    await dir.cleanup();
  });

  it("never has more uploads in flight than `concurrency`", async () => {
    const client = clientFor(scriptedURL, join(dir.path, "state-scripted"));
    const items = Array.from({ length: total }, (_, i) => ({
      file: Buffer.from("x"),
      filename: `x${i}.txt`,
    }));
    const result = await client.files.uploadMany(items, { concurrency: 2 });
    assert.equal(result.ok, true);
    assert.equal(result.uploaded.length, total);
    assert.equal(received, total);
    assert.equal(maxInFlight, 2);
  });

  it("uploads in input order, reports progress per file, and reports failures without deleting anything", async () => {
    const someoneElse = await kimi.files.upload(Buffer.from("not ours"), { filename: "other.txt" });
    const good1 = await writeTemp(dir.path, "one.txt", "one");
    const good2 = await writeTemp(dir.path, "two.txt", "two");
    const missing = join(dir.path, "missing.txt");
    emu.clearRequests();
    const progress: UploadProgress[] = [];
    const result = await kimi.files.uploadMany(
      [good1, missing, { file: Buffer.alloc(65, 97), filename: "huge.txt" }, good2],
      { concurrency: 3, onProgress: (p) => progress.push(p) },
    );
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.uploaded.map((f) => f.filename),
      ["one.txt", "two.txt"],
    );
    assert.deepEqual(
      result.failed.map((f) => [f.index, f.label]),
      [
        [1, missing],
        [2, "huge.txt"],
      ],
    );
    assert.ok(result.failed[0]?.error instanceof FileValidationError);
    const refused = result.failed[1]?.error;
    assert.ok(refused instanceof InvalidRequestError);
    assert.equal(refused.code, "file_limit_exceeded");
    assert.deepEqual(
      result.results.map((r) => r.status),
      ["uploaded", "failed", "failed", "uploaded"],
    );
    assert.deepEqual(result.rolledBack, []);
    // The missing file never reached the service: 3 uploads, no deletes.
    assert.deepEqual(
      emu.requests.map((r) => `${r.method} ${r.path}`),
      Array(3).fill("POST /v1/files"),
    );

    assert.equal(progress.length, 4);
    assert.deepEqual(
      progress.map((p) => p.completed),
      [1, 2, 3, 4],
    );
    assert.deepEqual(
      progress.map((p) => p.total),
      [4, 4, 4, 4],
    );
    const last = progress[3];
    assert.equal(last?.succeeded, 2);
    assert.equal(last?.failed, 2);
    assert.deepEqual(
      progress
        .filter((p) => p.error)
        .map((p) => p.index)
        .sort(),
      [1, 2],
    );

    const onAccount = (await kimi.files.list()).map((f) => f.filename).sort();
    assert.deepEqual(onAccount, ["one.txt", "other.txt", "two.txt"]);
    for (const f of [someoneElse, ...result.uploaded]) await kimi.files.delete(f.id);
  });

  it("deleteUploadedOnFailure deletes only what this batch uploaded", async () => {
    const someoneElse = await kimi.files.upload(Buffer.from("keep me"), { filename: "keep.txt" });
    const result = await kimi.files.uploadMany(
      [Buffer.from("a"), { file: Buffer.alloc(65, 97), filename: "huge.txt" }, Buffer.from("b")],
      { deleteUploadedOnFailure: true },
    );
    assert.equal(result.ok, false);
    assert.equal(result.uploaded.length, 2);
    assert.deepEqual([...result.rolledBack].sort(), result.uploaded.map((f) => f.id).sort());
    assert.deepEqual(
      (await kimi.files.list()).map((f) => f.id),
      [someoneElse.id],
    );
    assert.deepEqual(
      (await kimi.files.registry.read()).map((e) => e.id),
      [someoneElse.id],
    );
    await kimi.files.delete(someoneElse.id);
  });
});
