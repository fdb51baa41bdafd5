/**
 * Retired models against the emulator (which serves today's lineup and answers 404 for the rest,
 * as the service does): the default model, the retirement message, and the opt-in fallback to
 * the successor for chat, stream and what goes through them (generateObject).
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { KimiWarning } from "../../src/chat/warnings.ts";
import { createKimi } from "../../src/client.ts";
import { resolveConfig } from "../../src/config/config.ts";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import {
  ConfigurationError,
  InvalidRequestError,
  ModelNotFoundError,
} from "../../src/errors/error-classes.ts";
import { DEFAULT_MODEL_ID } from "../../src/models/catalog.ts";
import { generateObject } from "../../src/tools/structured-output.ts";

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seed: 11 });
});
after(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.clearRequests();
});

const messages = [{ role: "user" as const, content: "Say hello" }];

function client(env: Record<string, string> = {}, onWarning?: (warning: KimiWarning) => void) {
  return createKimi({
    apiKey: "sk-retired-test",
    baseURL: emu.baseURL,
    env,
    ...(onWarning ? { onWarning } : {}),
  });
}

function sentModels(): unknown[] {
  return emu.requests.map((request) => (request.body as { model?: unknown }).model);
}

const RETIREMENT =
  'kimi-k2-0905-preview was retired by Moonshot on 2026-05-25; its successor is kimi-k2.6: set KIMI_DEFAULT_MODEL=kimi-k2.6 or pass model: "kimi-k2.6". To re-send such requests to the successor automatically, set KIMI_MODEL_FALLBACK=successor (or createKimi({ modelFallback: "successor" })). (HTTP 404 resource_not_found_error)';

describe("the default model", () => {
  it("is kimi-k2.6 when KIMI_DEFAULT_MODEL is unset, and it answers", async () => {
    assert.equal(DEFAULT_MODEL_ID, "kimi-k2.6");
    assert.equal(resolveConfig({}, {}).defaultModel, "kimi-k2.6");
    const result = await client().chat({ messages });
    assert.deepEqual(sentModels(), ["kimi-k2.6"]);
    assert.equal(result.model, "kimi-k2.6");
  });

  it("KIMI_DEFAULT_MODEL still wins when set, even to a retired id (sent as given)", async () => {
    assert.equal(
      resolveConfig({}, { KIMI_DEFAULT_MODEL: "kimi-k2-0905-preview" }).defaultModel,
      "kimi-k2-0905-preview",
    );
    await assert.rejects(
      client({ KIMI_DEFAULT_MODEL: "kimi-k2-0905-preview" }).chat({ messages }),
      ModelNotFoundError,
    );
    assert.deepEqual(sentModels(), ["kimi-k2-0905-preview"]);
  });
});

describe("a 404 for a retired model", () => {
  it("names the retirement day and the successor, and carries retiredOn / successor", async () => {
    const kimi = client();
    const error = await kimi.chat({ model: "kimi-k2-0905-preview", messages }).then(
      () => assert.fail("expected a 404"),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof ModelNotFoundError);
    assert.equal(error.code, "model_not_found");
    assert.equal(error.status, 404);
    assert.equal(error.type, "resource_not_found_error");
    assert.equal(error.model, "kimi-k2-0905-preview");
    assert.equal(error.retiredOn, "2026-05-25");
    assert.equal(error.successor, "kimi-k2.6");
    assert.equal(error.message, RETIREMENT);
    assert.equal(error.toJSON().successor, "kimi-k2.6");
    // Sent once, not retried, not re-sent elsewhere without the opt-in.
    assert.deepEqual(sentModels(), ["kimi-k2-0905-preview"]);
    assert.deepEqual(
      emu.requests.map((request) => request.status),
      [404],
    );
  });

  it("kimi-thinking-preview's successor is kimi-k3", async () => {
    const error = await client()
      .chat({ model: "kimi-thinking-preview", messages })
      .then(
        () => assert.fail("expected a 404"),
        (caught: unknown) => caught,
      );
    assert.ok(error instanceof ModelNotFoundError);
    assert.equal(error.retiredOn, "2025-11-11");
    assert.equal(error.successor, "kimi-k3");
  });

  it("an unknown (not retired) id keeps the plain 404 message", async () => {
    const error = await client({ KIMI_MODEL_FALLBACK: "successor" })
      .chat({ model: "kimi-nonexistent-model", messages })
      .then(
        () => assert.fail("expected a 404"),
        (caught: unknown) => caught,
      );
    assert.ok(error instanceof ModelNotFoundError);
    assert.equal(error.retiredOn, undefined);
    assert.equal(error.successor, undefined);
    assert.match(
      error.message,
      /^Model "kimi-nonexistent-model" is unknown, retired, or not enabled/,
    );
    assert.deepEqual(sentModels(), ["kimi-nonexistent-model"]);
  });

  it("a stream gets the same error before any event", async () => {
    const stream = client().stream({ model: "kimi-k2-0905-preview", messages });
    const events: unknown[] = [];
    await assert.rejects(
      (async () => {
        for await (const event of stream) events.push(event);
      })(),
      (error: unknown) => error instanceof ModelNotFoundError && error.message === RETIREMENT,
    );
    assert.deepEqual(events, []);
  });
});

describe("KIMI_MODEL_FALLBACK=successor", () => {
  it("chat: re-sends once to the successor; the result names it; a warning goes to onWarning", async () => {
    const warnings: KimiWarning[] = [];
    const kimi = client({ KIMI_MODEL_FALLBACK: "successor" }, (warning) => warnings.push(warning));
    const result = await kimi.chat({ model: "kimi-k2-0905-preview", messages });
    assert.deepEqual(sentModels(), ["kimi-k2-0905-preview", "kimi-k2.6"]);
    assert.deepEqual(
      emu.requests.map((request) => request.status),
      [404, 200],
    );
    assert.equal(result.model, "kimi-k2.6");
    assert.equal(result.cost.model, "kimi-k2.6");
    const expected: KimiWarning = {
      code: "model-retired-fallback",
      message:
        'kimi-k2-0905-preview was retired by Moonshot on 2026-05-25 and the service answered 404; the request was re-sent to its successor kimi-k2.6 (KIMI_MODEL_FALLBACK=successor). Set KIMI_DEFAULT_MODEL=kimi-k2.6 or pass model: "kimi-k2.6" to skip the failed attempt.',
      model: "kimi-k2-0905-preview",
      retiredOn: "2026-05-25",
      successor: "kimi-k2.6",
    };
    assert.deepEqual(warnings, [expected]);
    assert.deepEqual(result.warnings, [expected]);
    // The successor's rules apply: the K2 default temperature is not sent to fixed sampling.
    assert.equal(
      (emu.requests[0]?.body as { temperature?: unknown } | undefined)?.temperature,
      0.5,
    );
    assert.equal(
      (emu.requests[1]?.body as { temperature?: unknown } | undefined)?.temperature,
      undefined,
    );
    assert.equal(kimi.usage.snapshot().byModel["kimi-k2.6"]?.requests, 1);
  });

  it("stream: the fallback happens before the first byte; events and result come from the successor", async () => {
    const warnings: KimiWarning[] = [];
    const kimi = createKimi({
      apiKey: "sk-retired-test",
      baseURL: emu.baseURL,
      env: {},
      modelFallback: "successor",
      onWarning: (warning) => warnings.push(warning),
    });
    const stream = kimi.stream({ model: "kimi-k2-thinking", messages });
    let text = "";
    for await (const event of stream) if (event.type === "text-delta") text += event.text;
    const result = await stream.result;
    assert.deepEqual(sentModels(), ["kimi-k2-thinking", "kimi-k2.6"]);
    assert.equal(result.model, "kimi-k2.6");
    assert.equal(result.content, text);
    assert.ok(text.length > 0);
    assert.deepEqual(
      warnings.map((warning) => [warning.code, warning.model]),
      [["model-retired-fallback", "kimi-k2-thinking"]],
    );
  });

  it("generateObject goes through the same fallback", async () => {
    const kimi = client({ KIMI_MODEL_FALLBACK: "successor" });
    const answer = await generateObject(kimi, {
      model: "kimi-k2-turbo-preview",
      prompt: "A city",
      thinking: false,
      schema: {
        type: "object",
        properties: { name: { type: "string" } },
        required: ["name"],
      },
    });
    assert.equal(typeof (answer.object as { name?: unknown }).name, "string");
    assert.deepEqual(sentModels(), ["kimi-k2-turbo-preview", "kimi-k2.6"]);
  });

  it("does not re-send when the successor's rules refuse the request; says why", async () => {
    const kimi = client({ KIMI_MODEL_FALLBACK: "successor" });
    const error = await kimi
      .chat({ model: "kimi-k2-0905-preview", temperature: 0.3, messages })
      .then(
        () => assert.fail("expected a 404"),
        (caught: unknown) => caught,
      );
    assert.ok(error instanceof ModelNotFoundError);
    assert.equal(error.successor, "kimi-k2.6");
    assert.match(
      error.message,
      /The fallback to kimi-k2\.6 was not sent: kimi-k2\.6 only allows temperature 1/,
    );
    assert.ok(error.cause instanceof InvalidRequestError);
    assert.deepEqual(sentModels(), ["kimi-k2-0905-preview"]);
  });

  it("an invalid value is a ConfigurationError naming the variable; nothing is sent", () => {
    assert.throws(
      () => client({ KIMI_MODEL_FALLBACK: "nearest" }),
      (error: unknown) =>
        error instanceof ConfigurationError &&
        error.setting === "KIMI_MODEL_FALLBACK" &&
        error.code === "configuration_error" &&
        error.message ===
          'Invalid KIMI_MODEL_FALLBACK="nearest": must be one of none, successor. Use `successor` to re-send a request for a retired model to its successor, or `none` (the default) to get the error.',
    );
    assert.throws(
      // A JavaScript caller can pass anything.
      () => createKimi({ env: {}, modelFallback: "always" as "none" }),
      (error: unknown) =>
        error instanceof ConfigurationError &&
        error.setting === "KIMI_MODEL_FALLBACK" &&
        error.message.startsWith('Invalid option `modelFallback`="always"'),
    );
    assert.equal(resolveConfig({}, {}).modelFallback, "none");
    assert.equal(
      resolveConfig({}, { KIMI_MODEL_FALLBACK: " successor " }).modelFallback,
      "successor",
    );
    assert.deepEqual(emu.requests, []);
  });
});
