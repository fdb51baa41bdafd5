import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import type { StreamEvent } from "../../src/chat/types.ts";
import { createKimi } from "../../src/client.ts";
import {
  AbortError,
  MalformedResponseError,
  NetworkError,
  RateLimitError,
  StreamTruncatedError,
} from "../../src/errors/error-classes.ts";
import {
  chunk,
  type ScriptedResponse,
  type ScriptedServer,
  sse,
  startScriptedServer,
} from "./helpers/scripted-server.ts";

const KEY = "sk-stream-test-key-000000";
const servers: ScriptedServer[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function serve(script: ScriptedResponse[]) {
  const server = await startScriptedServer(script);
  servers.push(server);
  return {
    server,
    kimi: createKimi({
      apiKey: KEY,
      baseURL: server.baseURL,
      env: {},
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    }),
  };
}

const ask = { model: "kimi-k2-0905-preview", messages: [{ role: "user" as const, content: "Hi" }] };

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const head = chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]);
const hello = chunk([{ index: 0, delta: { content: "Hel" }, finish_reason: null }]);
const world = chunk([{ index: 0, delta: { content: "lo" }, finish_reason: null }]);
const usageA = {
  prompt_tokens: 4796,
  completion_tokens: 174,
  total_tokens: 4970,
  cached_tokens: 4000,
};

describe("stream usage placements (docs/moonshot-wire.md, Usage)", () => {
  it("choices[0].usage only (no include_usage chunk)", async () => {
    const { server, kimi } = await serve([
      {
        chunks: [
          head,
          hello,
          world,
          chunk([{ index: 0, delta: {}, finish_reason: "stop", usage: usageA }]),
          sse("[DONE]"),
        ],
      },
    ]);
    const stream = kimi.stream(ask);
    const events = await collect(stream);
    const result = await stream.result;
    assert.deepEqual(result.usage, {
      promptTokens: 4796,
      completionTokens: 174,
      totalTokens: 4970,
      cachedTokens: 4000,
      reasoningTokens: null,
    });
    assert.equal(result.content, "Hello");
    const body = server.requests[0]?.body as Record<string, unknown>;
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
    const finish = events.at(-1);
    assert.equal(finish?.type, "finish");
    assert.deepEqual(
      events.filter((e) => e.type === "text-delta").map((e) => (e as { text: string }).text),
      ["Hel", "lo"],
    );
    // 796 uncached × 0.60 + 4000 cached × 0.15 + 174 × 2.50, per million
    assert.equal(result.cost.total, 0.0015126);
  });

  it("top-level usage only (include_usage chunk with choices: [])", async () => {
    const { kimi } = await serve([
      {
        chunks: [
          head,
          hello,
          chunk([{ index: 0, delta: {}, finish_reason: "stop" }]),
          chunk([], {
            usage: {
              prompt_tokens: 10,
              completion_tokens: 2,
              total_tokens: 12,
              prompt_tokens_details: { cached_tokens: 6 },
              completion_tokens_details: { reasoning_tokens: 1 },
            },
          }),
          sse("[DONE]"),
        ],
      },
    ]);
    const stream = kimi.stream(ask);
    await collect(stream);
    const result = await stream.result;
    assert.deepEqual(result.usage, {
      promptTokens: 10,
      completionTokens: 2,
      totalTokens: 12,
      cachedTokens: 6,
      reasoningTokens: 1,
    });
  });

  it("both placements: the top-level usage wins and is counted once", async () => {
    const { kimi } = await serve([
      {
        chunks: [
          head,
          chunk([
            {
              index: 0,
              delta: {},
              finish_reason: "stop",
              usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
            },
          ]),
          chunk([], {
            usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12, cached_tokens: 0 },
          }),
          sse("[DONE]"),
        ],
      },
    ]);
    const stream = kimi.stream(ask);
    const events = await collect(stream);
    const result = await stream.result;
    assert.equal(result.usage?.promptTokens, 9);
    assert.equal(kimi.usage.snapshot().promptTokens, 9);
    assert.equal(kimi.usage.snapshot().requests, 1);
    assert.equal(events.filter((e) => e.type === "finish").length, 1);
  });
});

describe("stream decoding", () => {
  it("reasoning deltas before content, kept apart (wire fixture)", async () => {
    const fixture = readFileSync(
      new URL("../fixtures/library/thinking-stream.sse", import.meta.url),
      "utf8",
    );
    const { kimi } = await serve([{ chunks: fixture.split(/(?<=\n\n)/) }]);
    const stream = kimi.stream({ model: "kimi-k2.6", messages: ask.messages });
    const events = await collect(stream);
    const kinds = events.map((e) => e.type);
    assert.deepEqual(kinds, [
      "reasoning-delta",
      "reasoning-delta",
      "text-delta",
      "text-delta",
      "finish",
    ]);
    const result = await stream.result;
    assert.equal(result.reasoningContent, "The user greets. Reply.");
    assert.equal(result.content, "Hi there");
    assert.equal(result.message.reasoning_content, "The user greets. Reply.");
    assert.equal(result.usage?.reasoningTokens, 6);
  });

  it("a tool call split across many chunks is assembled by index, id kept exactly", async () => {
    const args = '{"path":"README.md","lines":[1,2,3]}';
    const pieces = args.match(/.{1,3}/g) ?? [];
    const { kimi } = await serve([
      {
        chunks: [
          head,
          chunk([{ index: 0, delta: { content: "Reading." }, finish_reason: null }]),
          chunk([
            {
              index: 0,
              delta: {
                tool_calls: [
                  {
                    index: 0,
                    id: "functions.read:0",
                    type: "function",
                    function: { name: "read", arguments: "" },
                  },
                ],
              },
              finish_reason: null,
            },
          ]),
          ...pieces.map((piece) =>
            chunk([
              {
                index: 0,
                delta: { tool_calls: [{ index: 0, function: { arguments: piece } }] },
                finish_reason: null,
              },
            ]),
          ),
          chunk([
            {
              index: 0,
              delta: {
                tool_calls: [
                  {
                    index: 1,
                    id: "get_weather:1",
                    type: "function",
                    function: { name: "get_weather", arguments: '{"city":' },
                  },
                ],
              },
              finish_reason: null,
            },
          ]),
          chunk([
            {
              index: 0,
              delta: { tool_calls: [{ index: 1, id: "", function: { arguments: '"北京"}' } }] },
              finish_reason: null,
            },
          ]),
          chunk([
            {
              index: 0,
              delta: {},
              finish_reason: "tool_calls",
              usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
            },
          ]),
          sse("[DONE]"),
        ],
      },
    ]);
    const stream = kimi.stream(ask);
    const events = await collect(stream);
    const deltas = events.filter((e) => e.type === "tool-call-delta");
    assert.equal(deltas.length, 1 + pieces.length + 2);
    const complete = events
      .filter((e) => e.type === "tool-call")
      .map((e) => (e as { toolCall: unknown }).toolCall);
    const expected = [
      { id: "functions.read:0", type: "function", function: { name: "read", arguments: args } },
      {
        id: "get_weather:1",
        type: "function",
        function: { name: "get_weather", arguments: '{"city":"北京"}' },
      },
    ];
    assert.deepEqual(complete, expected);
    const result = await stream.result;
    assert.deepEqual(result.toolCalls, expected);
    assert.equal(result.finishReason, "tool_calls");
    assert.equal(result.content, "Reading.");
    assert.deepEqual(result.message, {
      role: "assistant",
      content: "Reading.",
      tool_calls: expected,
    });
  });

  it("a multibyte character split across writes decodes intact", async () => {
    const bytes = Buffer.from(
      chunk([{ index: 0, delta: { content: "北京" }, finish_reason: null }]),
    );
    const cut = bytes.indexOf(Buffer.from("北")) + 1;
    const { kimi } = await serve([
      {
        chunks: [
          head,
          bytes.subarray(0, cut),
          bytes.subarray(cut),
          chunk([{ index: 0, delta: {}, finish_reason: "stop" }]),
          sse("[DONE]"),
        ],
      },
    ]);
    const stream = kimi.stream(ask);
    await collect(stream);
    assert.equal((await stream.result).content, "北京");
  });

  it("a stream cut before [DONE] is a StreamTruncatedError carrying the partial text", async () => {
    const { kimi } = await serve([{ chunks: [head, hello, world], cut: true }]);
    const stream = kimi.stream(ask);
    const seen: string[] = [];
    const error = await (async () => {
      for await (const event of stream) if (event.type === "text-delta") seen.push(event.text);
    })().catch((e: unknown) => e);
    assert.ok(error instanceof StreamTruncatedError, String(error));
    assert.equal(error.code, "stream_truncated");
    assert.equal(error.partialContent, "Hello");
    assert.deepEqual(seen, ["Hel", "lo"]);
    await assert.rejects(stream.result, StreamTruncatedError);
    assert.equal(kimi.usage.snapshot().requests, 0);
  });

  it("a stream that ends cleanly without [DONE] is truncated too (finish_reason is not completion)", async () => {
    const { kimi } = await serve([
      { chunks: [head, hello, chunk([{ index: 0, delta: {}, finish_reason: "stop" }])] },
    ]);
    const stream = kimi.stream(ask);
    await assert.rejects(collect(stream), StreamTruncatedError);
  });

  it("a malformed SSE data line is a MalformedResponseError", async () => {
    const { kimi } = await serve([
      {
        chunks: [
          head,
          hello,
          'data: {"id":"chatcmpl-1","choices":[{"delta":\n\n',
          world,
          sse("[DONE]"),
        ],
      },
    ]);
    const stream = kimi.stream(ask);
    const error = await collect(stream).catch((e: unknown) => e);
    assert.ok(error instanceof MalformedResponseError, String(error));
    assert.equal(error.code, "malformed_response");
  });

  it("an {error} data event becomes the mapped typed error", async () => {
    const { kimi } = await serve([
      {
        chunks: [
          head,
          hello,
          sse({
            error: {
              type: "rate_limit_reached_error",
              message: "request reached organization max RPM: 3, please try again after 2 seconds",
            },
          }),
        ],
      },
    ]);
    const error = await collect(kimi.stream(ask)).catch((e: unknown) => e);
    assert.ok(error instanceof RateLimitError, String(error));
    assert.equal(error.retryAfterMs, 2000);
  });

  it("breaking out of for-await early cancels the HTTP request", async () => {
    const { server, kimi } = await serve([{ chunks: [head, hello, world], hang: true }]);
    const stream = kimi.stream(ask);
    for await (const event of stream) {
      if (event.type === "text-delta") break;
    }
    await server.closed(0); // resolves only when the client dropped the connection
    await assert.rejects(stream.result, AbortError);
  });

  it("abort mid-stream rejects with AbortError and releases the socket", async () => {
    const { server, kimi } = await serve([{ chunks: [head, hello], hang: true }]);
    const controller = new AbortController();
    const stream = kimi.stream(ask, { signal: controller.signal });
    const error = await (async () => {
      for await (const event of stream) if (event.type === "text-delta") controller.abort();
    })().catch((e: unknown) => e);
    assert.ok(error instanceof AbortError, String(error));
    await server.closed(0);
    await assert.rejects(stream.result, AbortError);
  });

  it("awaiting result without iterating consumes the stream", async () => {
    const { kimi } = await serve([
      {
        chunks: [
          head,
          hello,
          world,
          chunk([{ index: 0, delta: {}, finish_reason: "stop" }]),
          sse("[DONE]"),
        ],
      },
    ]);
    const result = await kimi.stream(ask).result;
    assert.equal(result.content, "Hello");
  });

  it("partial mode: deltas as sent, prefix re-joined in the result", async () => {
    const { server, kimi } = await serve([
      {
        chunks: [
          head,
          chunk([{ index: 0, delta: { content: " world" }, finish_reason: null }]),
          chunk([{ index: 0, delta: {}, finish_reason: "stop" }]),
          sse("[DONE]"),
        ],
      },
    ]);
    const stream = kimi.stream({
      model: "kimi-k2-0905-preview",
      messages: [
        { role: "user", content: "Say hello world" },
        { role: "assistant", content: "Hello", partial: true },
      ],
    });
    const events = await collect(stream);
    assert.deepEqual(
      events.filter((e) => e.type === "text-delta").map((e) => (e as { text: string }).text),
      [" world"],
    );
    const result = await stream.result;
    assert.equal(result.content, "Hello world");
    const sent = server.requests[0]?.body as { messages: unknown[] };
    assert.deepEqual(sent.messages[1], { role: "assistant", content: "Hello", partial: true });
  });
});

describe("partial mode and truncation", () => {
  it("a cut partial-mode stream keeps the prefix in partialContent, as result.content would", async () => {
    const { kimi } = await serve([
      {
        chunks: [head, chunk([{ index: 0, delta: { content: " wor" }, finish_reason: null }])],
        cut: true,
      },
    ]);
    const stream = kimi.stream({
      model: "kimi-k2-0905-preview",
      messages: [
        { role: "user", content: "Say hello world" },
        { role: "assistant", content: "Hello", partial: true },
      ],
    });
    await assert.rejects(stream.result, (error: unknown) => {
      assert.ok(error instanceof StreamTruncatedError);
      assert.equal(error.partialContent, "Hello wor");
      return true;
    });
  });
});

describe("after the answer is complete", () => {
  it("a body held open after [DONE] does not hold the result back: the connection is dropped", {
    timeout: 20_000,
  }, async () => {
    const { server, kimi } = await serve([
      {
        chunks: [
          head,
          hello,
          world,
          chunk([{ index: 0, delta: {}, finish_reason: "stop", usage: usageA }]),
          sse("[DONE]"),
        ],
        hang: true,
      },
    ]);
    const result = await kimi.stream(ask, { timeoutMs: 600_000 }).result;
    assert.equal(result.content, "Hello");
    assert.equal(result.usage?.cachedTokens, 4000);
    await server.closed(0);
  });

  it("a non-streamed body cut after the headers is a NetworkError that is not retried", async () => {
    const { server, kimi } = await serve([
      {
        headers: { "content-type": "application/json" },
        chunks: ['{"id":"chatcmpl-1","object":"chat.comp'],
        cut: true,
      },
    ]);
    await assert.rejects(kimi.chat(ask), (error: unknown) => {
      assert.ok(error instanceof NetworkError);
      assert.equal(error.retryable, false);
      assert.match(error.message, /was not retried automatically/);
      return true;
    });
    assert.equal(server.requests.length, 1);
  });
});
