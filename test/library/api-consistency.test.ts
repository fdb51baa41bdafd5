/**
 * Smaller consistency fixes: the numeric settings read from one table, typed errors for a wrong
 * `tokens.*` argument, `parseToolArguments` typed by its zod schema, one name per concept in
 * results (`content`, `reasoningContent`, `cost`), and one `FileObject` shape.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { z } from "zod";
import { parseToolArguments } from "../../src/chat/tool-arguments.ts";
import { createKimi } from "../../src/client.ts";
import { resolveConfig } from "../../src/config/config.ts";
import {
  type EmulatorFileObject,
  type RunningEmulator,
  startEmulator,
} from "../../src/emulator/index.ts";
import { ConfigurationError, InvalidRequestError } from "../../src/errors/error-classes.ts";
import type { FileObject } from "../../src/files/file-object.ts";
import { generateObject } from "../../src/tools/structured-output.ts";
import { runTools } from "../../src/tools/tool-loop.ts";

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seed: 21 });
});
after(() => emu.close());

describe("numeric settings from one table", () => {
  const numeric = {
    KIMI_TEMPERATURE: ["temperature", 0.5],
    KIMI_MAX_TOKENS: ["maxTokens", 32_768],
    KIMI_TIMEOUT_MS: ["timeoutMs", 600_000],
    KIMI_MAX_RETRIES: ["maxRetries", 2],
    KIMI_MAX_RESPONSE_BYTES: ["maxResponseBytes", 64 * 1024 * 1024],
    KIMI_MAX_STREAM_EVENT_BYTES: ["maxStreamEventBytes", 8 * 1024 * 1024],
  } as const;

  for (const [variable, [setting, fallback]] of Object.entries(numeric)) {
    it(`${variable}: default ${fallback}, "12abc" refused naming the variable`, () => {
      assert.equal(resolveConfig({}, {})[setting], fallback);
      assert.throws(
        () => resolveConfig({}, { [variable]: "12abc" }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigurationError);
          assert.equal(error.code, "configuration_error");
          assert.equal(error.setting, variable);
          assert.match(error.message, new RegExp(`^Invalid ${variable}="12abc": must be `));
          return true;
        },
      );
      assert.throws(
        () => resolveConfig({ [setting]: "3" }, {}),
        new RegExp(
          `^ConfigurationError: Invalid option \`${setting}\`="3": must be a number, not a string\\.`,
        ),
      );
    });
  }
});

describe("kimi.tokens with a wrong argument", () => {
  const kimi = createKimi({ apiKey: "sk-tokens", baseURL: "http://127.0.0.1:9/v1", env: {} });

  it("estimate('text') is an InvalidRequestError saying what to pass", () => {
    assert.throws(
      () => kimi.tokens.estimate("text" as never),
      (error: unknown) => {
        assert.ok(error instanceof InvalidRequestError);
        assert.equal(error.code, "invalid_request");
        assert.equal(
          error.message,
          'kimi.tokens.estimate() takes an object { messages, tools?, model? }, not a string. Pass e.g. { messages: [{ role: "user", content: "text" }] }.',
        );
        return true;
      },
    );
  });

  it("count and checkContext check too, before anything is sent", async () => {
    await assert.rejects(
      kimi.tokens.count({} as never),
      /needs `messages`, an array of chat messages \(got none\)/,
    );
    assert.throws(
      () => kimi.tokens.checkContext({ messages: [], tools: "x" } as never),
      /takes `tools` as an array of tool declarations \(got a string\)/,
    );
  });
});

describe("parseToolArguments typed by its schema", () => {
  it("infers the zod output type", () => {
    const call = {
      id: "get_weather_0",
      type: "function",
      function: { name: "get_weather", arguments: '{"city":"Paris","days":3}' },
    };
    const args = parseToolArguments(call, z.object({ city: z.string(), days: z.number() }));
    const city: string = args.city;
    const days: number = args.days;
    // @ts-expect-error: the inferred type has no such field.
    assert.equal(args.country, undefined);
    assert.deepEqual([city, days], ["Paris", 3]);
  });
});

describe("one name per concept in results", () => {
  it("runTools and generateObject answer with content, reasoningContent and cost", async () => {
    const kimi = createKimi({ apiKey: "sk-names", baseURL: emu.baseURL, env: {} });
    const run = await runTools(kimi, {
      model: "kimi-k2.6",
      messages: [{ role: "user", content: "Say hello." }],
    }).result;
    const [step] = run.steps;
    assert.ok(step);
    assert.equal(run.content, step.content);
    assert.equal(run.reasoningContent, step.reasoningContent);
    assert.deepEqual(run.cost, step.cost);
    // The old names stay as deprecated aliases of the same values.
    assert.equal(run.text, run.content);
    assert.equal(run.totalCostUsd, run.cost.total);

    const generated = await generateObject(kimi, {
      model: "kimi-k2.6",
      schema: z.object({ greeting: z.string() }),
      prompt: "Greet me.",
    });
    assert.equal(generated.text, generated.content);
    assert.equal(generated.totalCostUsd, generated.cost.total);
    assert.equal(generated.cost.model, "kimi-k2.6");
  });

  it("the emulator's file object is a kimi-provider FileObject (one shape)", async () => {
    const response = await fetch(`${emu.baseURL}/files`, {
      method: "POST",
      headers: { authorization: "Bearer sk-any" },
      body: (() => {
        const form = new FormData();
        form.append("purpose", "file-extract");
        form.append("file", new Blob(["hello"]), "hello.txt");
        return form;
      })(),
    });
    const stored = (await response.json()) as EmulatorFileObject;
    const asLibrary: FileObject = stored;
    assert.equal(asLibrary.filename, "hello.txt");
    assert.equal(asLibrary.object, "file");
  });
});
