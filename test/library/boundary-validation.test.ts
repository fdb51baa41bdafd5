/**
 * Bad input at the boundary: every createKimi option and every ChatRequest field of the wrong
 * type is a typed error naming the field (ConfigurationError / InvalidRequestError), never a raw
 * TypeError, never a silent fallback, and never a retried NetworkError. Nothing is sent: a
 * scripted server counts the requests it received.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createKimi, type KimiOptions } from "../../src/client.ts";
import {
  AbortError,
  ConfigurationError,
  InvalidRequestError,
  TimeoutError,
} from "../../src/errors/error-classes.ts";
import { chunk, type ScriptedServer, startScriptedServer } from "./helpers/scripted-server.ts";

const KEY = "sk-boundary-test-key-000";
let server: ScriptedServer;
let stateDir: string;

const okCompletion = JSON.stringify({
  id: "chatcmpl-ok",
  object: "chat.completion",
  created: 1,
  model: "kimi-k2.6",
  choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});

before(async () => {
  server = await startScriptedServer([{ body: okCompletion }]);
  stateDir = await mkdtemp(join(tmpdir(), "kimi-boundary-"));
});
after(async () => {
  await server.close();
  await rm(stateDir, { recursive: true, force: true });
});

function client(extra: KimiOptions = {}) {
  return createKimi({
    apiKey: KEY,
    baseURL: server.baseURL,
    env: {},
    stateDir,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...extra,
  });
}

const ask = {
  model: "kimi-k2.6",
  thinking: false,
  messages: [{ role: "user" as const, content: "Hi" }],
};

/** createKimi(options) must throw a ConfigurationError for `setting` whose message matches. */
function assertConfigError(options: unknown, setting: string, message: RegExp): void {
  assert.throws(
    () => createKimi(options as KimiOptions),
    (error: unknown) => {
      assert.ok(error instanceof ConfigurationError, `${String(error)} for ${setting}`);
      assert.equal(error.code, "configuration_error");
      assert.equal(error.setting, setting);
      assert.match(error.message, message);
      return true;
    },
  );
}

describe("createKimi options are checked at the boundary", () => {
  it("baseURL: 5 is an error, never a fallback to production with the key attached", () => {
    assertConfigError(
      { apiKey: KEY, baseURL: 5, env: {} },
      "KIMI_BASE_URL",
      /option `baseURL`=5: must be a string, not a number/,
    );
  });

  it("each setting of the wrong type names itself", () => {
    const base = { apiKey: KEY, env: {} };
    assertConfigError({ ...base, apiKey: 12345 }, "KIMI_API_KEY", /must be a string, not a number/);
    assertConfigError(
      { ...base, defaultModel: ["kimi-k2.6"] },
      "KIMI_DEFAULT_MODEL",
      /not an array/,
    );
    assertConfigError(
      { ...base, temperature: "0.5" },
      "KIMI_TEMPERATURE",
      /must be a number, not a string/,
    );
    assertConfigError({ ...base, timeoutMs: "100" }, "KIMI_TIMEOUT_MS", /must be a number/);
    assertConfigError({ ...base, maxRetries: null }, "KIMI_MAX_RETRIES", /not null/);
    assertConfigError(
      { ...base, maxResponseBytes: 0 },
      "KIMI_MAX_RESPONSE_BYTES",
      /positive whole number of bytes/,
    );
    assertConfigError(
      { ...base, maxStreamEventBytes: 1.5 },
      "KIMI_MAX_STREAM_EVENT_BYTES",
      /positive whole number/,
    );
    assertConfigError({ ...base, env: "KIMI_API_KEY=x" }, "env", /must be an object/);
    assertConfigError(
      { env: { KIMI_TEMPERATURE: 0.5 } },
      "KIMI_TEMPERATURE",
      /must be a string, not a number/,
    );
    assertConfigError("sk-key", "options", /takes an options object, not a string/);
  });

  it("hooks, headers, fetch, retry, models and stateDir of the wrong type name the option", () => {
    const base = { apiKey: KEY, env: {} };
    assertConfigError({ ...base, onRetry: "log" }, "onRetry", /must be a function, not a string/);
    assertConfigError({ ...base, debug: true }, "debug", /must be a function, not a boolean/);
    assertConfigError({ ...base, fetch: {} }, "fetch", /must be a function, not an object/);
    assertConfigError({ ...base, headers: "x-a: 1" }, "headers", /must be an object/);
    assertConfigError({ ...base, headers: { "x-a": 1 } }, "headers", /"x-a" must be a string/);
    assertConfigError(
      { ...base, headers: { "bad name": "1" } },
      "headers",
      /not a valid HTTP header name/,
    );
    assertConfigError({ ...base, retry: 3 }, "retry", /must be an object/);
    assertConfigError(
      { ...base, retry: { baseDelayMs: "5" } },
      "retry",
      /`baseDelayMs` must be a number/,
    );
    assertConfigError({ ...base, retry: { maxRetries: 5 } }, "retry", /top level/);
    assertConfigError({ ...base, retry: { basedelay: 5 } }, "retry", /unknown field `basedelay`/);
    assertConfigError({ ...base, models: 5 }, "models", /not a number/);
    assertConfigError({ ...base, stateDir: 7 }, "stateDir", /non-empty path string, not a number/);
    assertConfigError({ ...base, stateDir: "  " }, "stateDir", /empty string/);
  });
});

describe("local problems are ConfigurationErrors before anything is sent, never retried NetworkErrors", () => {
  for (const [what, key] of [
    ["a newline inside the key", "sk-abc\ndef"],
    ["a non-Latin-1 character in the key", "sk-ключ-0000"],
    ["a control character in the key", "sk-abc\u0007def"],
    ["a Latin-1 letter in the key", "sk-abcé"],
  ] as const) {
    it(what, () => {
      const sent = server.requests.length;
      assert.throws(
        () => client({ apiKey: key }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigurationError, String(error));
          assert.equal(error.setting, "KIMI_API_KEY");
          assert.equal(error.message.includes(key), false, "the key is not shown");
          return true;
        },
      );
      assert.throws(() => createKimi({ env: { KIMI_API_KEY: key } }), ConfigurationError);
      assert.equal(server.requests.length, sent);
    });
  }

  it("a CRLF in a configured header value", () => {
    assertConfigError(
      { apiKey: KEY, env: {}, headers: { "x-team": "a\r\nX-Injected: 1" } },
      "headers",
      /line break/,
    );
  });
});

describe("per-call options are checked before anything is sent", () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["a signal that is not an AbortSignal", { signal: "stop" }, /`signal`: must be an AbortSignal/],
    ["a signal that is a plain object", { signal: { aborted: "no" } }, /`signal`/],
    ["a negative timeoutMs", { timeoutMs: -1 }, /`timeoutMs`: -1 is not a positive whole number/],
    ["a string timeoutMs", { timeoutMs: "100" }, /`timeoutMs`: "100"/],
    ["a fractional timeoutMs", { timeoutMs: 1.5 }, /`timeoutMs`/],
    ["maxRetries above 10", { maxRetries: 11 }, /`maxRetries`: 11/],
    ["a CRLF in a header", { headers: { "x-a": "1\r\nX-Injected: 2" } }, /`headers`: .*line break/],
    ["a non-Latin-1 header value", { headers: { "x-a": "ключ" } }, /`headers`: .*Latin-1/],
  ];
  for (const [what, options, message] of cases) {
    it(`${what}: InvalidRequestError, not retried, nothing sent`, async () => {
      const sent = server.requests.length;
      const retries: unknown[] = [];
      const kimi = client({ onRetry: (event) => retries.push(event) });
      const runs: (() => Promise<unknown>)[] = [
        () => kimi.chat(ask, options),
        () => kimi.stream(ask, options).result,
      ];
      // The file calls take only a signal.
      if ("signal" in options) runs.push(() => kimi.files.list(options));
      for (const run of runs) {
        await assert.rejects(run(), (error: unknown) => {
          assert.ok(error instanceof InvalidRequestError, String(error));
          assert.equal(error.code, "invalid_request");
          assert.match(error.message, message);
          return true;
        });
      }
      assert.deepEqual(retries, []);
      assert.equal(server.requests.length, sent);
    });
  }

  it("an upload with a bad signal stores nothing, not even a pending registry entry", async () => {
    const kimi = client();
    await assert.rejects(
      kimi.files.upload(new TextEncoder().encode("hello"), {
        filename: "a.txt",
        signal: "stop" as unknown as AbortSignal,
      }),
      InvalidRequestError,
    );
    assert.deepEqual(await kimi.files.registry.read(), []);
  });
});

describe("ChatRequest fields are type-checked", () => {
  const cases: [string, unknown, RegExp][] = [
    ["a null request", null, /`request` must be an object/],
    ["messages as a string", { messages: "Hi" }, /`messages` must be an array/],
    ["a null message", { messages: [null] }, /`messages\[0\]` must be a message object/],
    [
      "an unknown role",
      { messages: [{ role: "bot", content: "x" }] },
      /`messages\[0\]\.role` must be one of system, user, assistant, tool \(got "bot"\)/,
    ],
    [
      "numeric content",
      { messages: [{ role: "user", content: 5 }] },
      /`messages\[0\]\.content` must be a string or an array/,
    ],
    [
      "a part without text",
      { messages: [{ role: "user", content: [{ type: "text" }] }] },
      /`messages\[0\]\.content\[0\]\.text` must be a string/,
    ],
    [
      "an unknown part type",
      { messages: [{ role: "user", content: [{ type: "audio" }] }] },
      /content\[0\]\.type` must be one of text, image_url, video_url/,
    ],
    [
      "an image part without url",
      { messages: [{ role: "user", content: [{ type: "image_url", image_url: "x" }] }] },
      /image_url\.url` must be a string/,
    ],
    [
      "a tool message without tool_call_id",
      {
        messages: [
          { role: "user", content: "q" },
          { role: "tool", content: "r" },
        ],
      },
      /`messages\[1\]\.tool_call_id`/,
    ],
    [
      "assistant tool_calls without function",
      { messages: [{ role: "assistant", content: null, tool_calls: [{ id: "a" }] }] },
      /tool_calls\[0\]\.function` must be an object/,
    ],
    [
      "a numeric model",
      { model: 5, messages: [{ role: "user", content: "x" }] },
      /`model` must be a model id string/,
    ],
    [
      "a string temperature",
      { messages: [{ role: "user", content: "x" }], temperature: "0.5" },
      /`temperature` must be a number/,
    ],
    [
      "stop as numbers",
      { messages: [{ role: "user", content: "x" }], stop: [1] },
      /`stop` must be a string or an array of strings/,
    ],
    [
      "tools as an object",
      { messages: [{ role: "user", content: "x" }], tools: {} },
      /`tools` must be an array/,
    ],
    [
      "a tool without function",
      { messages: [{ role: "user", content: "x" }], tools: [{ type: "function" }] },
      /`tools\[0\]\.function` must be an object/,
    ],
    [
      "a bad toolChoice",
      { messages: [{ role: "user", content: "x" }], toolChoice: "always" },
      /`toolChoice` must be/,
    ],
    [
      "a bad responseFormat",
      { messages: [{ role: "user", content: "x" }], responseFormat: "json" },
      /`responseFormat` must be an object/,
    ],
    [
      "thinking as a string",
      { messages: [{ role: "user", content: "x" }], thinking: "on" },
      /`thinking` must be true, false/,
    ],
    [
      "extraBody as a string",
      { messages: [{ role: "user", content: "x" }], extraBody: "x" },
      /`extraBody` must be an object/,
    ],
  ];
  for (const [what, request, message] of cases) {
    it(`${what}: InvalidRequestError naming the field, nothing sent`, async () => {
      const sent = server.requests.length;
      const kimi = client();
      for (const run of [
        () => kimi.chat(request as typeof ask),
        () => kimi.stream(request as typeof ask).result,
      ]) {
        await assert.rejects(run(), (error: unknown) => {
          assert.ok(error instanceof InvalidRequestError, String(error));
          assert.match(error.message, message);
          return true;
        });
      }
      assert.equal(server.requests.length, sent);
    });
  }

  it("a well-formed request still goes through", async () => {
    const result = await client().chat({
      ...ask,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "Hi" }] },
      ],
      stop: ["\n\n"],
    });
    assert.equal(result.content, "ok");
  });
});

describe("an interrupted stream keeps its partial text", () => {
  const head = chunk([
    { index: 0, delta: { role: "assistant", content: "" }, finish_reason: null },
  ]);
  const hello = chunk([{ index: 0, delta: { content: "Hel" }, finish_reason: null }]);

  it("a stream that times out carries the text received on partialContent", async () => {
    const stalled = await startScriptedServer([{ chunks: [head, hello], hang: true }]);
    try {
      const kimi = createKimi({ apiKey: KEY, baseURL: stalled.baseURL, env: {} });
      const seen: string[] = [];
      const stream = kimi.stream(ask, { timeoutMs: 300 });
      const error = await (async () => {
        for await (const event of stream) if (event.type === "text-delta") seen.push(event.text);
      })().catch((e: unknown) => e);
      assert.ok(error instanceof TimeoutError, String(error));
      assert.equal(error.timeoutMs, 300);
      assert.deepEqual(seen, ["Hel"]);
      assert.equal(error.partialContent, "Hel");
      await assert.rejects(stream.result, TimeoutError);
    } finally {
      await stalled.close();
    }
  });

  it("a stream the caller aborts carries it too", async () => {
    const stalled = await startScriptedServer([{ chunks: [head, hello], hang: true }]);
    try {
      const kimi = createKimi({ apiKey: KEY, baseURL: stalled.baseURL, env: {} });
      const controller = new AbortController();
      const error = await (async () => {
        for await (const event of kimi.stream(ask, { signal: controller.signal })) {
          if (event.type === "text-delta") controller.abort();
        }
      })().catch((e: unknown) => e);
      assert.ok(error instanceof AbortError, String(error));
      assert.equal(error.partialContent, "Hel");
    } finally {
      await stalled.close();
    }
  });
});
