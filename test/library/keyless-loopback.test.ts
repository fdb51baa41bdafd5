/**
 * Keyless use of a local emulator from the library: with a loopback KIMI_BASE_URL and no key,
 * `createKimi()` sends a placeholder bearer token (the emulator, like the service, refuses a
 * request without one), so the recipe the missing-key error gives works as written.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { AuthenticationError, createKimi } from "../../src/index.ts";

describe("createKimi() without a key against a loopback base URL", () => {
  let emu: RunningEmulator;
  let guarded: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ port: 0 });
    guarded = await startEmulator({ apiKey: "sk-required" });
  });
  after(async () => {
    await emu.close();
    await guarded.close();
  });

  it("chats with KIMI_BASE_URL pointing at the emulator and no KIMI_API_KEY", async () => {
    emu.clearRequests();
    const kimi = createKimi({ env: { KIMI_BASE_URL: emu.baseURL } });
    const result = await kimi.chat({
      model: "kimi-k2.6",
      messages: [{ role: "user", content: "Hi" }],
    });
    assert.equal(result.finishReason, "stop");
    assert.equal(emu.requests.length, 1);
    assert.equal(emu.requests[0]?.status, 200);
    assert.equal(emu.requests[0]?.headers.authorization, "Bearer [redacted]");
  });

  it("works with localhost as the host too", async () => {
    const kimi = createKimi({ env: { KIMI_BASE_URL: `http://localhost:${emu.port}/v1` } });
    const models = await kimi.models.refresh();
    assert.ok(models.length > 0);
  });

  it("an emulator that requires a key refuses the placeholder with a 401", async () => {
    const kimi = createKimi({ env: { KIMI_BASE_URL: guarded.baseURL, KIMI_MAX_RETRIES: "0" } });
    await assert.rejects(
      kimi.chat({ model: "kimi-k2.6", messages: [{ role: "user", content: "Hi" }] }),
      (error: unknown) => {
        assert.ok(error instanceof AuthenticationError, String(error));
        assert.equal(error.status, 401);
        return true;
      },
    );
    assert.equal(guarded.requests.at(-1)?.status, 401);
  });
});
