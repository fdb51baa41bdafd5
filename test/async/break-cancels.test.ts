/**
 * One rule for every `for await` of the library: leaving the loop early cancels the work (and a
 * chat with files still deletes its files). Checked from the emulator's request log once the
 * object has settled, never by timing: after `break` on the first event, no further request
 * reaches the emulator.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { z } from "zod";
import { createKimi } from "../../src/client.ts";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { AbortError } from "../../src/errors/error-classes.ts";
import { defineTool } from "../../src/tools/define-tool.ts";
import { runTools } from "../../src/tools/tool-loop.ts";
import { clientFor, tempDir, writeTemp } from "../files/helpers.ts";

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seed: 3 });
});
after(() => emu.close());
beforeEach(() => emu.clearRequests());

const chatRequests = () => emu.requests.filter((r) => r.path === "/v1/chat/completions");
const slow = { "x-emulator-reply-tokens": "400", "x-emulator-chunk-delay-ms": "5" };

describe("break on the first event cancels the work", () => {
  it("kimi.stream(): the request is aborted and the result rejects with AbortError", async () => {
    const kimi = createKimi({ apiKey: "sk-break", baseURL: emu.baseURL, env: {} });
    const stream = kimi.stream(
      { messages: [{ role: "user", content: "Talk a lot." }] },
      { headers: slow },
    );
    let events = 0;
    for await (const _ of stream) {
      events++;
      break;
    }
    assert.equal(events, 1);
    await assert.rejects(stream.result, (error: unknown) => {
      assert.ok(error instanceof AbortError);
      assert.equal(error.code, "aborted");
      return true;
    });
    assert.equal(chatRequests().length, 1);
  });

  it("runTools(): no tool runs and no further chat request is sent", async () => {
    const kimi = createKimi({ apiKey: "sk-break", baseURL: emu.baseURL, env: {}, maxRetries: 0 });
    const executed: string[] = [];
    const weather = defineTool({
      name: "get_weather",
      description: "Current weather for a city",
      parameters: z.object({ city: z.string() }),
      execute: ({ city }) => {
        executed.push(city);
        return { city, celsius: 21 };
      },
    });
    const run = runTools(kimi, {
      model: "kimi-k2.6",
      thinking: false,
      messages: [{ role: "user", content: "Use get_weather for the weather in Paris" }],
      tools: [weather],
    });
    const seen: string[] = [];
    for await (const event of run) {
      seen.push(event.type);
      break;
    }
    assert.deepEqual(seen, ["step-start"]);
    await assert.rejects(run.result, (error: unknown) => {
      assert.ok(error instanceof AbortError);
      assert.equal(error.code, "aborted");
      return true;
    });
    assert.deepEqual(executed, []);
    // The first step's request may have left before the loop was left; nothing after it did.
    assert.ok(chatRequests().length <= 1, `${chatRequests().length} chat requests`);
    assert.ok(
      chatRequests().every((r) =>
        (r.body as { messages: { role: string }[] }).messages.every((m) => m.role !== "tool"),
      ),
    );
  });

  it("files.streamWithFiles(): the chat stops, no further request, the files are deleted", async () => {
    const dir = await tempDir();
    try {
      const kimi = clientFor(emu.baseURL, join(dir.path, "state"));
      const doc = await writeTemp(dir.path, "doc.txt", "A short document about otters.");
      const stream = kimi.files.streamWithFiles(
        { files: [doc], messages: [{ role: "user", content: "Talk a lot." }] },
        { headers: slow },
      );
      let events = 0;
      for await (const _ of stream) {
        events++;
        break;
      }
      assert.equal(events, 1);
      await assert.rejects(stream.result, AbortError);
      assert.deepEqual(
        emu.requests.map((r) => `${r.method} ${r.path.replace(/\/files\/[^/]+/, "/files/ID")}`),
        [
          "POST /v1/files",
          "GET /v1/files/ID/content",
          "POST /v1/chat/completions",
          "DELETE /v1/files/ID",
        ],
      );
      assert.deepEqual(await kimi.files.registry.read(), []);
    } finally {
      await dir.cleanup();
    }
  });
});
