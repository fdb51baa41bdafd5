/**
 * Choice and tool-call `index` values from the wire are validated: small non-negative whole
 * numbers only. A huge index must not freeze the process, "__proto__" must not reach a
 * prototype, and a negative or non-numeric index is a MalformedResponseError, never dropped text.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createKimi } from "../../src/client.ts";
import { MalformedResponseError } from "../../src/errors/error-classes.ts";
import {
  chunk,
  type ScriptedResponse,
  type ScriptedServer,
  sse,
  startScriptedServer,
} from "./helpers/scripted-server.ts";

const servers: ScriptedServer[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function serve(script: ScriptedResponse[]) {
  const server = await startScriptedServer(script);
  servers.push(server);
  return createKimi({ apiKey: "sk-index-test-0000", baseURL: server.baseURL, env: {} });
}

const ask = {
  model: "kimi-k2.6",
  thinking: false,
  messages: [{ role: "user" as const, content: "Hi" }],
};
const head = chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]);
const finish = chunk([{ index: 0, delta: {}, finish_reason: "stop" }]);
const done = sse("[DONE]");

/** A complete stream whose middle chunk carries `choices` as raw JSON text. */
function streamWith(choicesJson: string): ScriptedResponse {
  return {
    chunks: [
      head,
      `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":${choicesJson}}\n\n`,
      finish,
      done,
    ],
  };
}

function toolDelta(index: string): string {
  return `[{"index":0,"delta":{"tool_calls":[{"index":${index},"id":"get_weather:0","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},"finish_reason":null}]`;
}

function assertMalformedIndex(error: unknown): true {
  assert.ok(error instanceof MalformedResponseError, String(error));
  assert.equal(error.code, "malformed_response");
  assert.match(error.message, /`index`/);
  return true;
}

const POLLUTABLE = [
  "content",
  "reasoning",
  "tools",
  "finishReason",
  "id",
  "name",
  "arguments",
  "usage",
];

function assertPrototypesClean(): void {
  for (const name of POLLUTABLE) {
    assert.equal(Object.hasOwn(Array.prototype, name), false, `Array.prototype.${name}`);
    assert.equal(Object.hasOwn(Object.prototype, name), false, `Object.prototype.${name}`);
  }
}

/** Removes anything a failing (pre-fix) run may have put on the prototypes. */
function scrubPrototypes(): void {
  for (const name of POLLUTABLE) {
    delete (Array.prototype as unknown as Record<string, unknown>)[name];
    delete (Object.prototype as unknown as Record<string, unknown>)[name];
  }
}

describe("stream indexes", () => {
  it("a choice index of 4294967294 is refused at once", { timeout: 10_000 }, async () => {
    const kimi = await serve([
      streamWith('[{"index":4294967294,"delta":{"content":"x"},"finish_reason":null}]'),
    ]);
    await assert.rejects(kimi.stream(ask).result, assertMalformedIndex);
  });

  it("a tool-call index of 4294967294 is refused at once", { timeout: 10_000 }, async () => {
    const kimi = await serve([streamWith(toolDelta("4294967294"))]);
    await assert.rejects(kimi.stream(ask).result, assertMalformedIndex);
  });

  it('"__proto__" as a choice or tool-call index pollutes nothing', {
    timeout: 10_000,
  }, async () => {
    try {
      const kimi = await serve([
        streamWith('[{"index":"__proto__","delta":{"content":"x"},"finish_reason":null}]'),
        streamWith(toolDelta('"__proto__"')),
      ]);
      await assert.rejects(kimi.stream(ask).result, assertMalformedIndex);
      await assert.rejects(kimi.stream(ask).result, assertMalformedIndex);
      assertPrototypesClean();
    } finally {
      scrubPrototypes();
    }
  });

  it("a negative choice index is an error, not dropped text", { timeout: 10_000 }, async () => {
    const kimi = await serve([
      streamWith('[{"index":-1,"delta":{"content":"lost?"},"finish_reason":null}]'),
    ]);
    await assert.rejects(kimi.stream(ask).result, assertMalformedIndex);
  });

  it("non-numeric and fractional indexes are errors", { timeout: 10_000 }, async () => {
    const kimi = await serve([
      streamWith('[{"index":"1","delta":{"content":"a"},"finish_reason":null}]'),
      streamWith('[{"index":0.5,"delta":{"content":"a"},"finish_reason":null}]'),
      streamWith(toolDelta("-3")),
      streamWith(toolDelta('"constructor"')),
    ]);
    for (let i = 0; i < 4; i++) await assert.rejects(kimi.stream(ask).result, assertMalformedIndex);
  });

  it("valid indexes still assemble: tool calls in index order, choices apart", async () => {
    const kimi = await serve([
      {
        chunks: [
          head,
          chunk([
            {
              index: 0,
              delta: {
                tool_calls: [
                  {
                    index: 1,
                    id: "b:1",
                    type: "function",
                    function: { name: "bbb", arguments: "{}" },
                  },
                  {
                    index: 0,
                    id: "a:0",
                    type: "function",
                    function: { name: "aaa", arguments: "{}" },
                  },
                ],
              },
              finish_reason: null,
            },
          ]),
          chunk([{ index: 2, delta: { content: "third" }, finish_reason: "stop" }]),
          chunk([{ index: 0, delta: {}, finish_reason: "tool_calls" }]),
          done,
        ],
      },
    ]);
    const result = await kimi.stream(ask).result;
    assert.deepEqual(
      result.toolCalls.map((call) => call.id),
      ["a:0", "b:1"],
    );
    assert.deepEqual(
      result.choices.map((choice) => [choice.index, choice.content]),
      [
        [0, ""],
        [2, "third"],
      ],
    );
  });
});

describe("non-streamed indexes", () => {
  function completion(indexJson: string): ScriptedResponse {
    return {
      body: `{"id":"chatcmpl-2","object":"chat.completion","created":1,"model":"kimi-k2.6","choices":[{"index":${indexJson},"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}`,
    };
  }

  it("a huge, negative, non-numeric or duplicate choice index is a MalformedResponseError", async () => {
    const kimi = await serve([
      completion("4294967294"),
      completion("-1"),
      completion('"__proto__"'),
      {
        body: '{"id":"c","choices":[{"index":0,"message":{"content":"a"}},{"index":0,"message":{"content":"b"}}]}',
      },
    ]);
    for (let i = 0; i < 3; i++) await assert.rejects(kimi.chat(ask), assertMalformedIndex);
    await assert.rejects(kimi.chat(ask), assertMalformedIndex);
    assertPrototypesClean();
  });
});
