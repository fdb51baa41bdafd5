import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { z } from "zod";
import { createKimi } from "../../src/client.ts";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import { generateObject } from "../../src/tools/structured-output.ts";
import { StructuredOutputError } from "../../src/tools/structured-output-error.ts";
import { type ScriptedServer, startScriptedServer } from "./scripted-server.ts";

let emu: RunningEmulator;
/** The 2025 lineup: moonshot-v1 models have no json_schema. */
let emu2025: RunningEmulator;
const scriptedServers: ScriptedServer[] = [];
type Body = {
  messages: { role: string; content: string }[];
  response_format: Record<string, unknown>;
};
const bodies = (server: RunningEmulator = emu) =>
  server.requests.filter((r) => r.path === "/v1/chat/completions").map((r) => r.body as Body);
const kimiFor = (baseURL: string) =>
  createKimi({ apiKey: "sk-test", baseURL, env: {}, maxRetries: 0 });

before(async () => {
  emu = await startEmulator({ seed: 11 });
  emu2025 = await startEmulator({ seed: 11, lineup: "2025-10" });
});
after(async () => {
  await emu.close();
  await emu2025.close();
  await Promise.all(scriptedServers.map((s) => s.close()));
});
beforeEach(() => emu.clearRequests());

const Weather = z.object({ city: z.string(), celsius: z.number(), sunny: z.boolean() });

describe("generateObject", () => {
  it("uses json_schema (MFJS) where the model supports it and returns a typed value", async () => {
    const result = await generateObject(kimiFor(emu.baseURL), {
      model: "kimi-k3",
      prompt: "Weather in Paris as JSON",
      schema: Weather,
      name: "weather",
    });
    assert.equal(result.mode, "json_schema");
    assert.equal(result.attempts, 1);
    assert.deepEqual(Object.keys(result.object).sort(), ["celsius", "city", "sunny"]);
    assert.equal(typeof result.object.celsius, "number");
    assert.deepEqual(JSON.parse(result.text), result.object);
    const [body] = bodies();
    assert.deepEqual(body?.response_format, {
      type: "json_schema",
      json_schema: {
        name: "weather",
        strict: true,
        schema: {
          type: "object",
          properties: {
            city: { type: "string" },
            celsius: { type: "number" },
            sunny: { type: "boolean" },
          },
          required: ["city", "celsius", "sunny"],
        },
      },
    });
    assert.ok(result.totalCostUsd !== null && result.totalCostUsd > 0);
  });

  it("falls back to json_object with the schema in the prompt on models without json_schema", async () => {
    const Answer = z.object({ answer: z.string(), topic: z.string() });
    const result = await generateObject(kimiFor(emu2025.baseURL), {
      model: "moonshot-v1-8k",
      prompt: "Tell me about tea",
      schema: Answer,
    });
    assert.equal(result.mode, "json_object");
    const [body] = bodies(emu2025);
    assert.deepEqual(body?.response_format, { type: "json_object" });
    assert.equal(body?.messages[0]?.role, "system");
    assert.match(body?.messages[0]?.content ?? "", /matches this JSON Schema:\n\{"type":"object"/);
    assert.equal(typeof result.object.answer, "string");
  });

  it("repairs once: sends the problem back and accepts the fixed answer", async () => {
    const server = await startScriptedServer([
      { content: '{"city":"Paris","celsius":"warm","sunny":true}' },
      { content: '{"city":"Paris","celsius":24,"sunny":true}' },
    ]);
    scriptedServers.push(server);
    const result = await generateObject(kimiFor(server.baseURL), {
      model: "kimi-k2-0905-preview",
      prompt: "Weather in Paris",
      schema: Weather,
    });
    assert.deepEqual(result.object, { city: "Paris", celsius: 24, sunny: true });
    assert.equal(result.attempts, 2);
    assert.equal(result.usage.totalTokens, 220);
    const repair = server.bodies[1]?.messages as { role: string; content: string }[];
    assert.deepEqual(repair.slice(-2), [
      { role: "assistant", content: '{"city":"Paris","celsius":"warm","sunny":true}' },
      {
        role: "user",
        content:
          "Your previous reply is not valid: celsius: Invalid input: expected number, received string. Reply again with only the corrected JSON object.",
      },
    ]);
  });

  it("throws StructuredOutputError when the answer is still invalid after the repair", async () => {
    const Strict = z.object({ code: z.string().refine((v) => v === "XYZ", "must be XYZ") });
    await assert.rejects(
      generateObject(kimiFor(emu.baseURL), {
        model: "kimi-k3",
        prompt: "Give me the code",
        schema: Strict,
      }),
      (error: unknown) => {
        assert.ok(error instanceof StructuredOutputError);
        assert.equal(error.code, "structured_output_invalid");
        assert.equal(error.attempts, 2);
        assert.deepEqual(error.problems, ["code: must be XYZ"]);
        return true;
      },
    );
    assert.equal(bodies().length, 2);
  });

  it("reports invalid JSON as a problem", async () => {
    const server = await startScriptedServer([{ content: "not json" }, { content: "still not" }]);
    scriptedServers.push(server);
    await assert.rejects(
      generateObject(kimiFor(server.baseURL), {
        model: "kimi-k2-0905-preview",
        prompt: "x",
        schema: Weather,
      }),
      (error: unknown) =>
        error instanceof StructuredOutputError &&
        error.text === "still not" &&
        /^not valid JSON: /.test(error.problems[0] ?? ""),
    );
  });
});
