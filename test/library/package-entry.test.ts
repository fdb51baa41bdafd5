/**
 * What users import: `kimi-provider` resolves through package.json `exports` to the bundled
 * `dist/kimi-provider.js` (built by `npm run build`, which `npm test` runs first). The bundle must
 * expose exactly the source's public surface and work end to end.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import * as source from "../../src/index.ts";

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seed: 11 });
});
after(() => emu.close());

describe("the package entry (bundled dist)", () => {
  it("exports the same public names as src/index.ts", async () => {
    const bundle = await import("kimi-provider");
    assert.deepEqual(Object.keys(bundle).sort(), Object.keys(source).sort());
  });

  it("chats, streams and throws its own typed errors", async () => {
    const bundle = await import("kimi-provider");
    const kimi = bundle.createKimi({ apiKey: "sk-entry", baseURL: emu.baseURL, env: {} });
    const messages = [{ role: "user" as const, content: "Hello from the bundle" }];
    const answer = await kimi.chat({ messages });
    assert.ok(answer.content.length > 0);
    const streamed = await kimi.stream({ messages }).result;
    assert.equal(streamed.content, answer.content);
    await assert.rejects(kimi.chat({ model: "no-such-model", messages }), (error: unknown) => {
      assert.ok(error instanceof bundle.ModelNotFoundError);
      assert.equal((error as InstanceType<typeof bundle.KimiError>).code, "model_not_found");
      return true;
    });
  });
});
