/**
 * The emulator is a product: users point the official `openai` SDK at it in CI. These tests drive
 * it with that SDK (a devDependency), not with kimi-provider, so the wire format is checked by a
 * third party's decoder.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI, { toFile } from "openai";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";

describe("official openai SDK against the emulator", () => {
  let emu: RunningEmulator;
  let client: OpenAI;

  before(async () => {
    emu = await startEmulator({ apiKey: "sk-sdk-test", seed: 7 });
    client = new OpenAI({ apiKey: "sk-sdk-test", baseURL: emu.baseURL, maxRetries: 0 });
  });
  after(() => emu.close());

  it("completes a chat and reports Moonshot's usage with cached_tokens on a repeated prefix", async () => {
    const messages = [
      { role: "system" as const, content: "You are a careful assistant. ".repeat(40) },
      { role: "user" as const, content: "Name one prime number." },
    ];
    const first = await client.chat.completions.create({ model: "kimi-k3", messages });
    assert.equal(first.object, "chat.completion");
    assert.match(
      first.id,
      /^chatcmpl-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    assert.equal(first.choices[0]?.finish_reason, "stop");
    assert.ok((first.choices[0]?.message.content ?? "").length > 0);
    assert.equal(first.usage?.prompt_tokens_details, undefined);
    const second = await client.chat.completions.create({ model: "kimi-k3", messages });
    const usage = second.usage as unknown as { prompt_tokens: number; cached_tokens: number };
    assert.equal(usage.prompt_tokens, first.usage?.prompt_tokens);
    // An identical repeat is a hit on the whole prompt, as recorded on K3.
    assert.equal(usage.cached_tokens, usage.prompt_tokens);
    assert.equal(second.usage?.prompt_tokens_details?.cached_tokens, usage.prompt_tokens);
  });

  it("streams chunks the SDK decodes, usage in choices[0] and in the include_usage chunk", async () => {
    const stream = await client.chat.completions.create({
      model: "kimi-k3",
      messages: [{ role: "user", content: "Say something short." }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let finishUsage: unknown;
    let trailingUsage: unknown;
    let roles = 0;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.role) roles++;
      text += choice?.delta.content ?? "";
      if (choice?.finish_reason) finishUsage = (choice as unknown as { usage: unknown }).usage;
      if (chunk.choices.length === 0) trailingUsage = chunk.usage;
    }
    assert.ok(text.length > 0);
    assert.equal(roles, 1);
    assert.ok(finishUsage && typeof finishUsage === "object");
    assert.deepEqual(trailingUsage, finishUsage);
  });

  it("returns tool calls with name_index ids that the SDK assembles from fragments", async () => {
    const stream = await client.chat.completions.create({
      model: "kimi-k3",
      messages: [{ role: "user", content: "Use get_weather for Paris please." }],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            parameters: {
              type: "object",
              properties: { city: { type: "string" } },
              required: ["city"],
            },
          },
        },
      ],
      stream: true,
    });
    const calls = new Map<number, { id: string; name: string; args: string }>();
    let finish: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      for (const call of choice?.delta.tool_calls ?? []) {
        const slot = calls.get(call.index) ?? { id: "", name: "", args: "" };
        slot.id ||= call.id ?? "";
        slot.name += call.function?.name ?? "";
        slot.args += call.function?.arguments ?? "";
        calls.set(call.index, slot);
      }
      finish = choice?.finish_reason ?? finish;
    }
    assert.equal(finish, "tool_calls");
    const call = calls.get(0);
    assert.equal(call?.id, "get_weather_0");
    assert.equal(call?.name, "get_weather");
    assert.equal(typeof JSON.parse(call?.args ?? "").city, "string");
  });

  it("surfaces Moonshot errors through the SDK's error classes", async () => {
    await assert.rejects(
      client.chat.completions.create({
        model: "no-such-model",
        messages: [{ role: "user", content: "hi" }],
      }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.NotFoundError);
        assert.match(error.message, /Not found the model no-such-model or Permission denied/);
        return true;
      },
    );
    const wrongKey = new OpenAI({ apiKey: "sk-wrong", baseURL: emu.baseURL, maxRetries: 0 });
    await assert.rejects(wrongKey.models.list(), OpenAI.AuthenticationError);
  });

  it("uploads, extracts, lists and deletes a file through the SDK's files API", async () => {
    const file = await client.files.create({
      file: await toFile(Buffer.from("Kimi emulator file body."), "note.txt"),
      purpose: "file-extract" as "assistants",
    });
    assert.equal(file.object, "file");
    assert.equal(file.filename, "note.txt");
    const content = await (await client.files.content(file.id)).text();
    const parsed = JSON.parse(content) as { content: string; filename: string; type: string };
    assert.equal(parsed.content, "Kimi emulator file body.");
    assert.equal(parsed.filename, "note.txt");
    assert.equal(parsed.type, "file");
    const listed = await client.files.list();
    assert.ok(listed.data.some((entry) => entry.id === file.id));
    assert.equal(listed.hasNextPage(), false);
    const deleted = await client.files.delete(file.id);
    assert.deepEqual({ id: deleted.id, deleted: deleted.deleted }, { id: file.id, deleted: true });
  });
});
