import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { call, tinyPdf, type Wire, withEmulator } from "./helpers.ts";

async function upload(
  emu: RunningEmulator,
  name: string,
  data: string | Buffer,
  purpose = "file-extract",
) {
  const form = new FormData();
  form.append("purpose", purpose);
  form.append("file", new Blob([data]), name);
  const res = await fetch(`${emu.baseURL}/files`, {
    method: "POST",
    headers: { authorization: "Bearer sk-test" },
    body: form,
  });
  return { status: res.status, json: (await res.json()) as Wire };
}

async function content(emu: RunningEmulator, id: string) {
  return call(emu, "GET", `/v1/files/${id}/content`);
}

describe("files API", () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await withEmulator();
  });
  after(() => emu.close());

  it("uploads and returns a FileObject with a 20-char xid", async () => {
    const res = await upload(emu, "notes.txt", "hello file");
    assert.equal(res.status, 200);
    assert.match(res.json.id, /^[0-9a-v]{20}$/);
    assert.deepEqual(
      { ...res.json, id: "x", created_at: 0 },
      {
        id: "x",
        object: "file",
        bytes: 10,
        created_at: 0,
        filename: "notes.txt",
        purpose: "file-extract",
        status: "ready",
        status_details: "",
        file_type: "text/plain",
      },
    );
    // The 2026 key order (recorded).
    assert.deepEqual(Object.keys(res.json), [
      "id",
      "object",
      "bytes",
      "created_at",
      "filename",
      "purpose",
      "status",
      "status_details",
      "file_type",
    ]);
    const got = await call(emu, "GET", `/v1/files/${res.json.id}`);
    assert.deepEqual(got.json, res.json);
    const list = await call(emu, "GET", "/v1/files");
    assert.deepEqual(Object.keys(list.json), ["object", "data", "first_id", "last_id", "has_more"]);
    assert.equal(list.json.object, "list");
    assert.ok(list.json.data.some((file: { id: string }) => file.id === res.json.id));
    assert.equal(list.json.first_id, list.json.data[0].id);
    assert.equal(list.json.last_id, list.json.data.at(-1).id);
    assert.equal(list.json.has_more, false);
    const recorded = emu.requests.find(
      (entry) => entry.method === "POST" && entry.path === "/v1/files",
    );
    assert.deepEqual(recorded?.body, { purpose: "file-extract", filename: "notes.txt", bytes: 10 });
  });

  const formats: [string, string | Buffer, string, string][] = [
    ["a.txt", "plain text here", "plain text here", "text/plain"],
    ["b.md", "# Title\n\nSome *markdown*", "# Title\n\nSome *markdown*", "text/markdown"],
    ["c.json", '{"k": [1, 2]}', '{"k": [1, 2]}', "application/json"],
    ["d.csv", "a,b\n1,2\n", "a,b\n1,2\n", "text/csv"],
    [
      "e.html",
      "<html><head><style>p{}</style><script>x()</script></head><body><h1>Hi &amp; bye</h1><p>Para <b>bold</b></p></body></html>",
      "Hi & bye\nPara bold",
      "text/html",
    ],
    ["f.pdf", tinyPdf("Hello PDF world"), "Hello PDF world", "application/pdf"],
  ];
  for (const [name, data, expected, fileType] of formats) {
    it(`extracts ${name}`, async () => {
      const res = await upload(emu, name, data);
      assert.equal(res.json.status, "ready");
      assert.equal(res.json.file_type, fileType);
      const got = await content(emu, res.json.id);
      assert.equal(got.status, 200);
      assert.match(got.headers.get("content-type") ?? "", /^text\/plain/);
      assert.deepEqual(JSON.parse(got.text), {
        content: expected,
        file_type: fileType,
        filename: name,
        title: "",
        type: "file",
      });
    });
  }

  it("reports extraction failure as status error and a 500 on content", async () => {
    const res = await upload(emu, "blob.bin", Buffer.from([0, 1, 2, 255, 254]));
    assert.equal(res.status, 200);
    assert.equal(res.json.status, "error");
    const got = await content(emu, res.json.id);
    assert.equal(got.status, 500);
    assert.equal(got.json.error.type, "server_error");
    assert.match(got.json.error.message, /^Failed to extract file: /);
  });

  it("refuses zero bytes and unknown purposes with the service's messages", async () => {
    const zero = await upload(emu, "empty.txt", "");
    assert.equal(zero.status, 400);
    assert.deepEqual(zero.json, {
      error: {
        type: "invalid_request_error",
        message: "File size is zero, please confirm and re-upload the file",
      },
    });
    const purpose = await upload(emu, "x.txt", "x", "fine-tune");
    assert.equal(purpose.status, 400);
    assert.deepEqual(purpose.json, {
      error: {
        type: "invalid_request_error",
        message:
          "Invalid purpose: fine-tune, only `file-extract`, `batch`, `batch_output`, `lambda`, `image` and `video` accepted",
      },
    });
    for (const accepted of ["batch", "batch_output", "lambda", "video"]) {
      assert.equal((await upload(emu, "x.txt", "x", accepted)).status, 200, accepted);
    }
  });

  it("uploads an image with its sniffed file_type, and lists nothing as empty ids", async () => {
    const empty = await withEmulator();
    try {
      const none = await call(empty, "GET", "/v1/files");
      assert.equal(
        none.text,
        '{"object":"list","data":[],"first_id":"","last_id":"","has_more":false}',
      );
      const png = Buffer.from(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
        "base64",
      );
      const res = await upload(empty, "real.png", png, "image");
      assert.equal(res.status, 200);
      assert.equal(res.json.status, "ready");
      assert.equal(res.json.file_type, "image/png");
      assert.equal(res.json.purpose, "image");
    } finally {
      await empty.close();
    }
  });

  it("answers 404 for unknown ids on every /files/{id} route and deletes", async () => {
    for (const [method, path] of [
      ["GET", "/v1/files/nope"],
      ["GET", "/v1/files/nope/content"],
      ["DELETE", "/v1/files/nope"],
    ] as const) {
      const res = await call(emu, method, path);
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.json.error.type, "resource_not_found_error");
    }
    const res = await upload(emu, "gone.txt", "bye");
    const del = await call(emu, "DELETE", `/v1/files/${res.json.id}`);
    assert.equal(del.text, `{"deleted":true,"id":"${res.json.id}","object":"file"}`);
    assert.equal((await call(emu, "GET", `/v1/files/${res.json.id}`)).status, 404);
  });

  it("enforces count, size and total limits", async () => {
    const small = await withEmulator({
      limits: { maxFiles: 2, maxFileBytes: 1024, maxTotalBytes: 1500 },
    });
    try {
      const big = await upload(small, "big.txt", "x".repeat(1025));
      assert.equal(big.status, 400);
      assert.equal(
        big.json.error.message,
        "File size is too large, max file size is 1KB, please confirm and re-upload the file",
      );
      const huge = await upload(small, "huge.txt", "x".repeat(200_000));
      assert.equal(huge.status, 400);
      assert.match(huge.json.error.message, /^File size is too large/);
      assert.equal((await upload(small, "a.txt", "a".repeat(1000))).status, 200);
      const total = await upload(small, "b.txt", "b".repeat(600));
      assert.equal(total.status, 400);
      assert.match(total.json.error.message, /exceeded the max total size/);
      assert.equal((await upload(small, "c.txt", "c")).status, 200);
      const count = await upload(small, "d.txt", "d");
      assert.equal(count.status, 400);
      assert.equal(
        count.json.error.message,
        "The number of files you have uploaded exceeded the max file count 2, please delete previous uploaded files",
      );
    } finally {
      await small.close();
    }
  });

  it("keeps files on disk across a restart", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kimi-emu-files-"));
    try {
      const first = await withEmulator({ filesDir: dir });
      const res = await upload(first, "keep.md", "# kept");
      await first.close();
      assert.equal(await readFile(join(dir, `${res.json.id}.bin`), "utf8"), "# kept");
      const second = await withEmulator({ filesDir: dir });
      try {
        assert.deepEqual((await call(second, "GET", `/v1/files/${res.json.id}`)).json, res.json);
        assert.equal(JSON.parse((await content(second, res.json.id)).text).content, "# kept");
        await call(second, "DELETE", `/v1/files/${res.json.id}`);
      } finally {
        await second.close();
      }
      const third = await withEmulator({ filesDir: dir });
      try {
        assert.equal((await call(third, "GET", "/v1/files")).json.data.length, 0);
      } finally {
        await third.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
