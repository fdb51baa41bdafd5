/**
 * What users import: `kimi-provider/ai-sdk` resolves through package.json `exports` to the built
 * `dist/ai-sdk/index.js` and works with the real `ai` package; `kimi-provider` alone never loads
 * `ai` or `@ai-sdk/*` (they are optional peer dependencies).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { generateText } from "ai";
import * as source from "../../src/ai-sdk/index.ts";
import { type AiSdkFixture, startFixture, TEST_API_KEY } from "./helpers.ts";

const run = promisify(execFile);
const root = new URL("../../", import.meta.url);

let fx: AiSdkFixture;
before(async () => {
  fx = await startFixture();
});
after(() => fx.close());

/** Every module URL resolved while a fresh Node process imports `specifier`. */
async function modulesLoadedBy(specifier: string): Promise<string[]> {
  const script = `
    import { registerHooks } from "node:module";
    const loaded = [];
    registerHooks({
      resolve(specifier, context, nextResolve) {
        const result = nextResolve(specifier, context);
        loaded.push(result.url);
        return result;
      },
    });
    await import(${JSON.stringify(specifier)});
    process.stdout.write(JSON.stringify(loaded));
  `;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
    cwd: root,
  });
  return JSON.parse(stdout) as string[];
}

const isAiSdk = (url: string) => /\/node_modules\/(ai|@ai-sdk\/[^/]+)\//.test(url);

describe("the kimi-provider/ai-sdk entry (built dist)", () => {
  it("exports the same public names as src/ai-sdk/index.ts", async () => {
    const built = await import("kimi-provider/ai-sdk");
    assert.deepEqual(Object.keys(built).sort(), Object.keys(source).sort());
  });

  it("drives generateText from the built entry", async () => {
    const { createKimiProvider } = await import("kimi-provider/ai-sdk");
    const kimi = createKimiProvider({ apiKey: TEST_API_KEY, baseURL: fx.emu.baseURL, env: {} });
    const result = await generateText({ model: kimi("kimi-k2.6"), prompt: "Hello from dist" });
    assert.ok(result.text.length > 0);
    assert.equal(result.providerMetadata?.kimi?.model, "kimi-k2.6");
  });

  it("the default instance reads the environment on first use, not on import", async () => {
    const { kimi } = await import("kimi-provider/ai-sdk");
    const { ConfigurationError } = await import("kimi-provider");
    const saved = { ...process.env };
    try {
      process.env.KIMI_TEMPERATURE = "hot";
      assert.equal(kimi("kimi-k3").modelId, "kimi-k3", "models are made without a client");
      assert.throws(() => kimi.client, ConfigurationError);
      delete process.env.KIMI_TEMPERATURE;
      // Set after the import: still seen, since the client is created now.
      process.env.KIMI_API_KEY = TEST_API_KEY;
      process.env.KIMI_BASE_URL = fx.emu.baseURL;
      process.env.KIMI_STATE_DIR = fx.stateDir;
      const result = await generateText({ model: kimi("kimi-k2.6"), prompt: "Default instance" });
      assert.ok(result.text.length > 0);
      assert.equal(kimi.client.config.baseURL, fx.emu.baseURL);
    } finally {
      process.env = saved;
    }
  });

  it("importing kimi-provider alone loads neither ai nor @ai-sdk/*", async () => {
    const main = await modulesLoadedBy("kimi-provider");
    assert.ok(
      main.some((url) => url.endsWith("/dist/kimi-provider.js")),
      "the bundle was loaded",
    );
    assert.deepEqual(main.filter(isAiSdk), []);
    // The same check sees the peers when the subpath is imported, so it can fail.
    const subpath = await modulesLoadedBy("kimi-provider/ai-sdk");
    assert.ok(subpath.some((url) => url.includes("/node_modules/@ai-sdk/provider/")));
    // Nor can a lazy import inside the bundle reach them later.
    const bundle = await readFile(new URL("dist/kimi-provider.js", root), "utf8");
    assert.equal(/["'](ai|@ai-sdk\/[\w-]+)["']/.test(bundle), false);
  });
});
