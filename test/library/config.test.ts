import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createKimi } from "../../src/client.ts";
import { resolveConfig } from "../../src/config/config.ts";
import { ConfigurationError } from "../../src/errors/error-classes.ts";
import { startScriptedServer } from "./helpers/scripted-server.ts";

function configError(fn: () => unknown, setting: string, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ConfigurationError, String(error));
    assert.equal(error.code, "configuration_error");
    assert.equal(error.setting, setting);
    assert.match(error.message, pattern);
    return true;
  });
}

describe("configuration", () => {
  const server = startScriptedServer([{ body: "{}" }]);
  after(async () => {
    await (await server).close();
  });

  it("defaults", () => {
    assert.deepEqual(resolveConfig({}, {}), {
      apiKey: undefined,
      baseURL: "https://api.moonshot.ai/v1",
      // The seed's default, kimi-k2-0905-preview, was retired on 2026-05-25.
      defaultModel: "kimi-k2.6",
      modelFallback: "none",
      temperature: 0.5,
      maxTokens: 32768,
      timeoutMs: 600000,
      maxRetries: 2,
      maxResponseBytes: 67108864,
      maxStreamEventBytes: 8388608,
    });
  });

  it("reads KIMI_* and lets options win", () => {
    const env = {
      KIMI_API_KEY: "sk-env",
      KIMI_BASE_URL: "https://api.moonshot.cn/v1/",
      KIMI_DEFAULT_MODEL: "kimi-k2.6",
      KIMI_TEMPERATURE: "0.2",
      KIMI_MAX_TOKENS: "4096",
    };
    const fromEnv = resolveConfig({}, env);
    assert.equal(fromEnv.baseURL, "https://api.moonshot.cn/v1");
    assert.equal(fromEnv.defaultModel, "kimi-k2.6");
    assert.equal(fromEnv.temperature, 0.2);
    assert.equal(fromEnv.maxTokens, 4096);
    const overridden = resolveConfig({ apiKey: "sk-opt", temperature: 0.9, maxTokens: 100 }, env);
    assert.equal(overridden.apiKey, "sk-opt");
    assert.equal(overridden.temperature, 0.9);
    assert.equal(overridden.maxTokens, 100);
  });

  it("invalid values name the variable, the value and the fix", () => {
    configError(
      () => resolveConfig({}, { KIMI_TEMPERATURE: "1.5" }),
      "KIMI_TEMPERATURE",
      /KIMI_TEMPERATURE="1.5".*from 0 to 1/,
    );
    configError(() => resolveConfig({}, { KIMI_TEMPERATURE: "-0.1" }), "KIMI_TEMPERATURE", /-0.1/);
    configError(
      () => resolveConfig({}, { KIMI_MAX_TOKENS: "lots" }),
      "KIMI_MAX_TOKENS",
      /KIMI_MAX_TOKENS="lots".*positive whole number.*32768/,
    );
    configError(
      () => resolveConfig({}, { KIMI_BASE_URL: "api.moonshot.ai" }),
      "KIMI_BASE_URL",
      /not a valid URL.*https:\/\/api\.moonshot\.ai\/v1/,
    );
    configError(
      () => createKimi({ temperature: 2, env: {} }),
      "KIMI_TEMPERATURE",
      /option `temperature`=2/,
    );
  });

  it("a missing key fails when a request to a non-loopback host is made, and nothing is sent", async () => {
    const scripted = await server;
    const before = scripted.requests.length;
    const kimi = createKimi({ baseURL: "https://kimi-provider.invalid/v1", env: {} });
    await assert.rejects(
      kimi.chat({ messages: [{ role: "user", content: "Hi" }] }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigurationError);
        assert.equal(error.setting, "KIMI_API_KEY");
        assert.match(error.message, /set KIMI_API_KEY/);
        // The recipe it gives for working without a key is one that works (keyless-loopback.test.ts).
        assert.match(error.message, /KIMI_BASE_URL=http:\/\/127\.0\.0\.1:8787\/v1/);
        return true;
      },
    );
    await assert.rejects(
      kimi.stream({ messages: [{ role: "user", content: "Hi" }] }).result,
      ConfigurationError,
    );
    assert.equal(scripted.requests.length, before);
  });

  it("an invalid models override is a ConfigurationError", () => {
    configError(
      () => createKimi({ env: {}, models: { "my-model": { pricing: { output: 1 } } } }),
      "models",
      /needs at least `contextWindow`/,
    );
    configError(
      () => createKimi({ env: {}, models: { "kimi-k2.6": { contextWindow: -1 } } }),
      "models",
      /contextWindow/,
    );
  });
});
