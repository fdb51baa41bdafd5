import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { z } from "zod";
import { createKimi } from "../../src/client.ts";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import { InvalidRequestError } from "../../src/errors/error-classes.ts";
import { defineTool } from "../../src/tools/define-tool.ts";
import { toMfjsSchema } from "../../src/tools/mfjs-schema.ts";
import { runTools } from "../../src/tools/tool-loop.ts";

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seed: 3 });
});
after(async () => {
  await emu.close();
});

describe("defineTool", () => {
  it("refuses names outside Moonshot's pattern and $-prefixed names at definition", () => {
    const define = (name: string) =>
      defineTool({ name, description: "x", parameters: z.object({}), execute: () => "" });
    for (const bad of ["ab", "1abc", "-abc", "has space", "a".repeat(65), "$web_search"]) {
      assert.throws(() => define(bad), InvalidRequestError, bad);
    }
    assert.equal(define("_ok-name_1").name, "_ok-name_1");
    assert.equal(define("a".repeat(64)).name.length, 64);
  });

  it("refuses a non-object root", () => {
    assert.throws(
      () =>
        defineTool({
          name: "list_it",
          description: "x",
          parameters: z.array(z.string()),
          execute: () => "",
        }),
      (error: unknown) => error instanceof InvalidRequestError && /object root/.test(error.message),
    );
  });

  it("sends MFJS: no $schema, tuples as prefixItems, no type beside anyOf, every property typed", async () => {
    const tool = defineTool({
      name: "plan_trip",
      description: "Plans a trip",
      parameters: z.object({
        stops: z.tuple([z.string(), z.number()]),
        note: z.string().nullable(),
        mode: z.union([z.literal("car"), z.literal("train")]),
        extra: z.unknown(),
      }),
      execute: () => "ok",
    });
    const parameters = tool.declaration.function.parameters;
    assert.equal("$schema" in parameters, false);
    assert.deepEqual(parameters.properties, {
      stops: {
        type: "array",
        prefixItems: [{ type: "string" }, { type: "number" }],
        minItems: 2,
        maxItems: 2,
      },
      note: { anyOf: [{ type: "string" }, { type: "null" }] },
      mode: {
        anyOf: [
          { type: "string", const: "car" },
          { type: "string", const: "train" },
        ],
      },
      extra: { type: "string" },
    });

    const kimi = createKimi({ apiKey: "sk-test", baseURL: emu.baseURL, env: {}, maxRetries: 0 });
    const result = await runTools(kimi, {
      messages: [{ role: "user", content: "plan_trip to Lyon" }],
      tools: [tool],
    }).result;
    assert.equal(result.stopReason, "answered");
    const sent = emu.requests[0]?.body as { tools: { function: { parameters: unknown } }[] };
    assert.deepEqual(sent.tools[0]?.function.parameters, parameters);
  });

  it("converts raw JSON Schema: type beside anyOf, draft-7 tuples, enum-only properties", () => {
    assert.deepEqual(
      toMfjsSchema({
        $schema: "http://json-schema.org/draft-07/schema#",
        type: "object",
        properties: {
          id: { type: "string", anyOf: [{ minLength: 2 }, { format: "uuid" }] },
          pair: { type: "array", items: [{ type: "integer" }, { type: "string" }] },
          unit: { enum: ["c", "f"] },
          count: { minimum: 1 },
        },
      }),
      {
        type: "object",
        properties: {
          id: {
            anyOf: [
              { type: "string", minLength: 2 },
              { type: "string", format: "uuid" },
            ],
          },
          pair: { type: "array", prefixItems: [{ type: "integer" }, { type: "string" }] },
          unit: { type: "string", enum: ["c", "f"] },
          count: { type: "number", minimum: 1 },
        },
      },
    );
  });

  it("validates with a raw JSON Schema too", async () => {
    let got: unknown;
    const tool = defineTool({
      name: "get_weather",
      description: "Weather",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      execute: (args) => {
        got = args;
        return "sunny";
      },
    });
    const kimi = createKimi({ apiKey: "sk-test", baseURL: emu.baseURL, env: {}, maxRetries: 0 });
    const result = await runTools(kimi, {
      messages: [{ role: "user", content: "get_weather in Madrid" }],
      tools: [tool],
    }).result;
    assert.deepEqual(got, { city: "Madrid" });
    assert.equal(result.steps[0]?.toolResults[0]?.content, "sunny");
  });
});
