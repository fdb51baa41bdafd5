/**
 * The emulator's resource limits, over real sockets: body and reply caps, the buffered-body
 * budget, uploads spooled to disk, header timeouts and connection caps, back-pressure to clients
 * that stop reading, authentication before faults, and the loopback rule.
 */
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { type ClientRequest, type IncomingMessage, request } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { call, chat, sseChunks, user, withEmulator } from "./helpers.ts";

const BODY = { model: "kimi-k2.6", thinking: { type: "disabled" }, messages: [user("hi")] };

async function using(
  options: Parameters<typeof withEmulator>[0],
  fn: (emu: RunningEmulator) => Promise<void>,
) {
  const emu = await withEmulator(options);
  try {
    await fn(emu);
  } finally {
    await emu.close();
  }
}

/** Waits (in bounded steps, never asserting a duration) until `check()` holds. */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    if (await check()) return;
    await sleep(10);
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** A request whose body the test writes piece by piece (node:http, chunked unless a length is set). */
function openRequest(
  emu: RunningEmulator,
  path: string,
  headers: Record<string, string>,
): { req: ClientRequest; response: Promise<{ status: number; text: string }> } {
  const req = request(`${emu.url}${path}`, {
    method: "POST",
    headers: { authorization: "Bearer sk-test", ...headers },
  });
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req.on("response", (res: IncomingMessage) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
  return { req, response };
}

describe("request body limits", () => {
  it("refuses a body over limits.maxRequestBytes from its Content-Length, in the service's envelope", () =>
    using({ limits: { maxRequestBytes: 1024 } }, async (emu) => {
      const padded = { ...BODY, messages: [user("x".repeat(2000))] };
      const res = await chat(emu, padded);
      assert.equal(res.status, 400);
      assert.deepEqual(res.json, {
        error: {
          message: "Invalid request: request body is too large, max size is 1KB",
          type: "invalid_request_error",
        },
      });
      assert.equal(emu.requests[0]?.status, 400);
      assert.equal(emu.requests[0]?.body, undefined);
      // A body under the cap is served.
      assert.equal((await chat(emu, BODY)).status, 200);
    }));

  it("refuses a streamed body as soon as its bytes pass the cap, before it ends", () =>
    using({ limits: { maxRequestBytes: 1024 } }, async (emu) => {
      const { req, response } = openRequest(emu, "/v1/chat/completions", {
        "content-type": "application/json",
      });
      req.write(`{"model":"kimi-k2.6","messages":[{"role":"user","content":"${"y".repeat(700)}`);
      req.write("y".repeat(700));
      // The body is never ended: the answer comes from the bytes counted so far.
      const res = await response;
      req.destroy();
      assert.equal(res.status, 400);
      assert.equal(
        JSON.parse(res.text).error.message,
        "Invalid request: request body is too large, max size is 1KB",
      );
    }));

  it("holds at most limits.maxBufferedRequestBytes of bodies at once; past it the overload 429", () =>
    using({ limits: { maxRequestBytes: 4096, maxBufferedRequestBytes: 4096 } }, async (emu) => {
      const text = JSON.stringify({ ...BODY, messages: [user("z".repeat(2800))] });
      const length = Buffer.byteLength(text);
      const first = openRequest(emu, "/v1/chat/completions", {
        "content-type": "application/json",
        "content-length": String(length),
      });
      // Headers and a few bytes: the emulator reserves the declared length.
      first.req.write(text.slice(0, 10));
      await until(() => emu.requests.length === 1, "the first request to arrive");
      const second = await chat(emu, { ...BODY, messages: [user("w".repeat(1500))] });
      assert.equal(second.status, 429);
      assert.deepEqual(second.json, {
        error: {
          message: "The engine is currently overloaded, please try again later",
          type: "engine_overloaded_error",
        },
      });
      // The overload 429 names no wait (recorded), so it carries no wait headers.
      assert.equal(second.headers.get("retry-after"), null);
      first.req.end(text.slice(10));
      assert.equal((await first.response).status, 200);
      // Once the first response ended, its bytes are given back.
      assert.equal((await chat(emu, { ...BODY, messages: [user("w".repeat(1500))] })).status, 200);
    }));

  it("caps x-emulator-reply-tokens at limits.maxReplyTokens (default 100,000) with a 400", async () => {
    await using({ limits: { maxReplyTokens: 50 } }, async (emu) => {
      const over = await chat(emu, BODY, { "x-emulator-reply-tokens": "51" });
      assert.equal(over.status, 400);
      assert.equal(
        over.json.error.message,
        "Invalid request: x-emulator-reply-tokens is 51, over the emulator's limit of 50 (raise limits.maxReplyTokens to allow more)",
      );
      const at = await chat(emu, { ...BODY, stream: true }, { "x-emulator-reply-tokens": "50" });
      assert.equal(at.status, 200);
      const content = sseChunks(at.text).filter(
        (chunk) =>
          typeof chunk.choices[0]?.delta?.content === "string" &&
          chunk.choices[0].delta.content !== "",
      );
      assert.equal(content.length, 50);
    });
    await using({}, async (emu) => {
      const res = await chat(emu, BODY, { "x-emulator-reply-tokens": "5000000" });
      assert.equal(res.status, 400);
      assert.match(res.json.error.message, /over the emulator's limit of 100000/);
    });
    await assert.rejects(
      startEmulator({ replyTokens: 200, limits: { maxReplyTokens: 100 } }),
      /replyTokens 200 is over limits\.maxReplyTokens \(100\)/,
    );
    await assert.rejects(
      startEmulator({ limits: { maxRequestBytes: 0 } }),
      /limits\.maxRequestBytes must be a whole number from 1 up, got 0/,
    );
  });
});

const BOUNDARY = "----emulator-test-boundary";

function uploadHead(filename: string, purpose: string): string {
  return (
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\n${purpose}\r\n` +
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
    "Content-Type: application/octet-stream\r\n\r\n"
  );
}
const UPLOAD_TAIL = `\r\n--${BOUNDARY}--\r\n`;

async function spoolFiles(dir: string): Promise<{ name: string; size: number }[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return Promise.all(
    names.map(async (name) => ({ name, size: (await stat(join(dir, name))).size })),
  );
}

describe("uploads spooled to disk", () => {
  it("writes an upload past limits.uploadMemoryBytes to a temporary file while it arrives, and removes it once stored", async () => {
    const spoolDir = await mkdtemp(join(tmpdir(), "emu-spool-"));
    try {
      await using({ spoolDir }, async (emu) => {
        const { req, response } = openRequest(emu, "/v1/files", {
          "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
        });
        const part = Buffer.alloc(512 * 1024, 0x61);
        req.write(uploadHead("big.txt", "batch"));
        for (let i = 0; i < 6; i++) req.write(part);
        // 3 MiB sent, the form not finished: the bytes past 1 MiB are on disk already.
        await until(
          async () => (await spoolFiles(spoolDir)).some((file) => file.size > 1024 * 1024),
          "the upload to reach the spool file",
        );
        req.end(UPLOAD_TAIL);
        const res = await response;
        assert.equal(res.status, 200, res.text);
        assert.equal(JSON.parse(res.text).bytes, 6 * 512 * 1024);
        assert.deepEqual(emu.requests[0]?.body, {
          purpose: "batch",
          filename: "big.txt",
          bytes: 6 * 512 * 1024,
          spooledToDisk: true,
        });
        assert.deepEqual(await spoolFiles(spoolDir), []);
        // A small upload stays in memory: nothing is written.
        const small = new FormData();
        small.append("purpose", "batch");
        small.append("file", new Blob(["small"]), "small.txt");
        const smallRes = await fetch(`${emu.baseURL}/files`, {
          method: "POST",
          headers: { authorization: "Bearer sk-test" },
          body: small,
        });
        assert.equal(smallRes.status, 200);
        assert.deepEqual(emu.requests[1]?.body, {
          purpose: "batch",
          filename: "small.txt",
          bytes: 5,
        });
        assert.deepEqual(await spoolFiles(spoolDir), []);
      });
    } finally {
      await rm(spoolDir, { recursive: true, force: true });
    }
  });

  it("moves a spooled upload into filesDir, and close() removes one still arriving", async () => {
    const filesDir = await mkdtemp(join(tmpdir(), "emu-files-"));
    try {
      const emu = await startEmulator({ filesDir, limits: { uploadMemoryBytes: 1024 } });
      const bytes = Buffer.alloc(300 * 1024, 0x62);
      const { req, response } = openRequest(emu, "/v1/files", {
        "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
      });
      req.end(
        Buffer.concat([Buffer.from(uploadHead("b.txt", "batch")), bytes, Buffer.from(UPLOAD_TAIL)]),
      );
      const res = await response;
      assert.equal(res.status, 200, res.text);
      const id = JSON.parse(res.text).id as string;
      assert.deepEqual(await readFile(join(filesDir, `${id}.bin`)), bytes);
      assert.deepEqual(await spoolFiles(join(filesDir, ".uploads")), []);

      const open = openRequest(emu, "/v1/files", {
        "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
      });
      open.response.catch(() => {});
      open.req.write(uploadHead("c.txt", "batch"));
      open.req.write(bytes);
      await until(
        async () => (await spoolFiles(join(filesDir, ".uploads"))).length === 1,
        "the unfinished upload to be spooled",
      );
      await emu.close();
      open.req.destroy();
      assert.deepEqual(await spoolFiles(join(filesDir, ".uploads")), []);
    } finally {
      await rm(filesDir, { recursive: true, force: true });
    }
  });

  it("refuses a file over maxFileBytes while it streams in, and keeps nothing", async () => {
    const spoolDir = await mkdtemp(join(tmpdir(), "emu-spool-"));
    try {
      await using(
        { spoolDir, limits: { maxFileBytes: 200 * 1024, uploadMemoryBytes: 1024 } },
        async (emu) => {
          const { req, response } = openRequest(emu, "/v1/files", {
            "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
          });
          req.write(uploadHead("huge.txt", "batch"));
          req.write(Buffer.alloc(300 * 1024, 0x63));
          const res = await response;
          req.destroy();
          assert.equal(res.status, 400);
          assert.equal(
            JSON.parse(res.text).error.message,
            "File size is too large, max file size is 200KB, please confirm and re-upload the file",
          );
          await until(async () => (await spoolFiles(spoolDir)).length === 0, "the spool to empty");
          assert.equal((await call(emu, "GET", "/v1/files")).json.data.length, 0);
        },
      );
    } finally {
      await rm(spoolDir, { recursive: true, force: true });
    }
  });
});

/** Opens a raw socket; resolves its `close` with what the server sent. */
function rawSocket(emu: RunningEmulator): { socket: Socket; closed: Promise<string> } {
  const socket = connect(emu.port, "127.0.0.1");
  const closed = new Promise<string>((resolve) => {
    let seen = "";
    socket.on("data", (chunk) => {
      seen += chunk.toString("latin1");
    });
    socket.on("error", () => {});
    socket.on("close", () => resolve(seen));
  });
  return { socket, closed };
}

describe("slow and idle sockets", () => {
  it("closes 200 slow-header sockets after timeouts.headersMs while a normal request succeeds", () =>
    using({ timeouts: { headersMs: 400 } }, async (emu) => {
      const sockets = Array.from({ length: 200 }, () => rawSocket(emu));
      await Promise.all(
        sockets.map(
          ({ socket }) =>
            new Promise<void>((resolve) =>
              socket.write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Slow: 1", () =>
                resolve(),
              ),
            ),
        ),
      );
      const ok = await chat(emu, BODY);
      assert.equal(ok.status, 200);
      const seen = await Promise.all(sockets.map(({ closed }) => closed));
      assert.equal(seen.length, 200);
      for (const text of seen) assert.ok(text === "" || text.startsWith("HTTP/1.1 408"), text);
      // None of them became a request.
      assert.equal(emu.requests.length, 1);
    }));

  it("closes connections past limits.maxConnectionsPerClient and limits.maxConnections at once", async () => {
    for (const limits of [{ maxConnectionsPerClient: 20 }, { maxConnections: 20 }]) {
      await using({ limits }, async (emu) => {
        const sockets = Array.from({ length: 25 }, () => rawSocket(emu));
        let closedCount = 0;
        for (const { closed } of sockets) void closed.then(() => closedCount++);
        await until(() => closedCount === 5, "5 sockets to be refused");
        assert.equal(sockets.filter(({ socket }) => !socket.destroyed).length, 20);
        for (const { socket } of sockets) socket.destroy();
        await Promise.all(sockets.map(({ closed }) => closed));
        // With the sockets gone, requests are served again.
        await until(
          async () => (await chat(emu, BODY).catch(() => ({ status: 0 }))).status === 200,
          "a request to be served",
        );
      });
    }
  });
});

describe("back-pressure", () => {
  it("stops writing to a client that does not read, and closes its socket after timeouts.stalledWriteMs", () =>
    using(
      { limits: { maxReplyTokens: 100_000 }, timeouts: { stalledWriteMs: 300 } },
      async (emu) => {
        const body = JSON.stringify({ ...BODY, stream: true });
        const headers = { "x-emulator-reply-tokens": "100000" };
        // What the whole stream weighs, read by a client that does read.
        const full = await chat(emu, { ...BODY, stream: true }, headers);
        assert.equal(full.status, 200);
        const fullBytes = Buffer.byteLength(full.text);
        assert.equal(emu.requests[0]?.bytesSent, fullBytes);
        assert.ok(fullBytes > 16 * 1024 * 1024, `${fullBytes}`);

        // Three clients ask for the same stream and never read a byte.
        const stalled = Array.from({ length: 3 }, () => {
          const socket = connect(emu.port, "127.0.0.1");
          socket.on("error", () => {});
          socket.pause();
          socket.write(
            `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\nX-Emulator-Reply-Tokens: 100000\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
          );
          return socket;
        });
        try {
          await until(
            () =>
              emu.requests.length === 4 &&
              emu.requests.slice(1).every((record) => record.outcome === "aborted"),
            "the emulator to close the stalled sockets",
          );
        } finally {
          for (const socket of stalled) socket.destroy();
        }
        assert.equal(emu.requests[0]?.outcome, "complete");
        for (const record of emu.requests.slice(1)) {
          assert.equal(record.status, 200);
          // What fits in the socket buffers, not the whole reply.
          assert.ok(record.bytesSent < fullBytes / 2, `${record.bytesSent} of ${fullBytes}`);
        }
      },
    ));
});

describe("authentication before faults", () => {
  it("answers a wrong key with the 401 whatever fault it asks for, and consumes no scheduled fault", () =>
    using({ apiKey: "sk-right" }, async (emu) => {
      for (const fault of ["error status=503 type=engine_overloaded_error", "cut", "delay ms=10"]) {
        const res = await chat(emu, BODY, {
          authorization: "Bearer sk-wrong",
          "x-emulator-fault": fault,
        });
        assert.equal(res.status, 401, fault);
        assert.equal(res.json.error.type, "invalid_authentication_error");
      }
      emu.inject({ kind: "error", status: 502, type: "server_error", message: "scheduled" });
      const wrong = await chat(emu, BODY, { authorization: "Bearer sk-wrong" });
      assert.equal(wrong.status, 401);
      const right = await chat(emu, BODY, { authorization: "Bearer sk-right" });
      assert.equal(right.status, 502);
      assert.equal(right.json.error.message, "scheduled");
    }));

  it("a header fault with times=N hits the first N requests carrying it, then they are served", () =>
    using({}, async (emu) => {
      const header = {
        "x-emulator-fault": "error status=503 type=server_error times=2 message=once",
      };
      assert.equal((await chat(emu, BODY, header)).status, 503);
      assert.equal((await chat(emu, BODY, header)).status, 503);
      assert.equal((await chat(emu, BODY, header)).status, 200);
      // Another value counts on its own.
      const other = { "x-emulator-fault": "error status=500 times=1" };
      assert.equal((await chat(emu, BODY, other)).status, 500);
      assert.equal((await chat(emu, BODY, other)).status, 200);
    }));
});

describe("listening beyond loopback", () => {
  it("requires an apiKey for a non-loopback host, and warns when given one", async () => {
    await assert.rejects(startEmulator({ host: "0.0.0.0" }), (error: Error) => {
      assert.equal(
        error.message,
        'startEmulator: host "0.0.0.0" is reachable from other machines, so an apiKey is required there: pass `apiKey` (clients then send `Authorization: Bearer <key>`), or listen on 127.0.0.1.',
      );
      return true;
    });
    const warnings: string[] = [];
    const emu = await startEmulator({
      host: "0.0.0.0",
      apiKey: "sk-lan",
      onWarning: (line) => warnings.push(line),
    });
    try {
      assert.deepEqual(warnings, [
        "warning: the emulator listens on 0.0.0.0, reachable from other machines over plain HTTP; only requests with the API key are answered.",
      ]);
      const res = await fetch(`http://127.0.0.1:${emu.port}/v1/models`, {
        headers: { authorization: "Bearer sk-lan" },
      });
      assert.equal(res.status, 200);
    } finally {
      await emu.close();
    }
    // Loopback needs neither key nor warning.
    for (const host of ["127.0.0.1", "localhost"]) {
      const local = await startEmulator({ host, onWarning: (line) => warnings.push(line) });
      await local.close();
    }
    assert.equal(warnings.length, 1);
  });
});
