import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createKimi } from "../../src/client.ts";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { InvalidRequestError } from "../../src/errors/error-classes.ts";
import { MODEL_CATALOG } from "../../src/models/catalog.ts";

describe("model registry", () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ models: ["kimi-k2.6", "kimi-k2-0905-preview"] });
  });
  after(async () => {
    await emu.close();
  });

  it("lists the catalog; unknown ids are undefined / refused by require()", () => {
    const kimi = createKimi({ env: {} });
    assert.equal(kimi.models.list().length, MODEL_CATALOG.length);
    assert.equal(kimi.models.get("kimi-k2-0905-preview")?.contextWindow, 262144);
    assert.equal(kimi.models.get("nope"), undefined);
    assert.throws(
      () => kimi.models.require("nope"),
      (error: unknown) =>
        error instanceof InvalidRequestError && /Known models: .*kimi-k2\.6/.test(error.message),
    );
  });

  it("overrides prices and adds models (map and array forms)", async () => {
    const kimi = createKimi({
      apiKey: "sk-m",
      baseURL: emu.baseURL,
      env: {},
      models: {
        "kimi-k2.6": { pricing: { output: 10 } },
        "my-proxy-model": { contextWindow: 1000, pricing: { inputCacheMiss: 1, output: 2 } },
      },
    });
    const k26 = kimi.models.get("kimi-k2.6");
    assert.deepEqual(k26?.pricing, { inputCacheHit: 0.16, inputCacheMiss: 0.95, output: 10 });
    assert.equal(kimi.models.get("my-proxy-model")?.contextWindow, 1000);
    const result = await kimi.chat({ messages: [{ role: "user", content: "Hi" }] });
    assert.equal(
      result.cost.output,
      Math.round((result.usage?.completionTokens ?? 0) * 10 * 1e6) / 1e12,
    );
    const array = createKimi({
      env: {},
      models: [
        { ...MODEL_CATALOG[0], id: "copy", contextWindow: 5 } as (typeof MODEL_CATALOG)[number],
      ],
    });
    assert.equal(array.models.get("copy")?.contextWindow, 5);
  });

  it("refresh() merges GET /v1/models and marks catalog models the account lacks", async () => {
    const kimi = createKimi({ apiKey: "sk-m", baseURL: emu.baseURL, env: {} });
    const refreshed = await kimi.models.refresh();
    const byId = new Map(refreshed.map((entry) => [entry.id, entry]));
    assert.equal(byId.get("kimi-k2.6")?.available, true);
    assert.equal(byId.get("kimi-k2-0905-preview")?.available, true);
    assert.equal(byId.get("moonshot-v1-8k")?.available, false);
    assert.equal(kimi.models.get("moonshot-v1-8k")?.available, false);
    assert.equal(kimi.models.get("kimi-k2.6")?.available, true);
    assert.equal(kimi.models.get("kimi-k2.6")?.capabilities.videoInput, true);
    assert.equal(emu.requests.at(-1)?.path, "/v1/models");
  });
});
