import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { estimatePromptTokens } from "../../src/tokens/local-estimator.ts";
import { call, chat, sseChunks, sseData, user, withEmulator } from "./helpers.ts";

/** kimi-k2.6 with thinking off: a plain answer from today's lineup. */
const BODY = { model: "kimi-k2.6", thinking: { type: "disabled" }, messages: [user("hi")] };
const STREAM = { ...BODY, stream: true };

/** Reads a streamed body until it ends or the connection breaks. */
async function readAll(res: Response): Promise<{ text: string; broken: boolean }> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, broken: false };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, broken: true };
  }
}

function post(emu: RunningEmulator, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${emu.baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer k", ...headers },
    body: JSON.stringify(body),
  });
}

async function using(
  options: Parameters<typeof withEmulator>[0],
  fn: (emu: RunningEmulator) => Promise<void>,
) {
  const emu = await withEmulator(options);
  try {
    await fn(emu);
  } finally {
    await emu.close();
  }
}

describe("rate limits, quota, account endpoints", () => {
  it("answers the RPM 429 with the wait time in the message and in the recorded headers", () =>
    using({ limits: { rpm: 2 } }, async (emu) => {
      const ok = await chat(emu, BODY);
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get("retry-after"), null);
      assert.equal((await chat(emu, BODY)).status, 200);
      const res = await chat(emu, BODY);
      assert.equal(res.status, 429);
      assert.equal(res.json.error.type, "rate_limit_reached_error");
      assert.match(
        res.json.error.message,
        /^Your account org-emulator<ak-emulator> request reached organization max RPM: 2, please try again after \d+ seconds$/,
      );
      // "<" and ">" travel escaped, as the service writes them.
      assert.match(res.text, /org-emulator\\u003cak-emulator\\u003e request/);
      const wait = /after (\d+) seconds/.exec(res.json.error.message)?.[1];
      assert.ok(wait !== undefined && Number(wait) >= 1);
      assert.equal(res.headers.get("retry-after"), wait);
      assert.equal(res.headers.get("x-retry-after"), wait);
      assert.equal(res.headers.get("msh-cooldown-seconds"), wait);
    }));

  it("counts TPM as prompt + max_tokens", () =>
    using({ limits: { tpm: 1000 } }, async (emu) => {
      assert.equal((await chat(emu, { ...BODY, max_tokens: 500 })).status, 200);
      const res = await chat(emu, { ...BODY, max_tokens: 600 });
      assert.equal(res.status, 429);
      const current = 2 * estimatePromptTokens(BODY.messages) + 1100;
      assert.match(
        res.json.error.message,
        new RegExp(`request reached organization TPM rate limit, current:${current}, limit:1000$`),
      );
      // No wait in the text, so no wait headers either.
      assert.equal(res.headers.get("retry-after"), null);
      assert.equal(res.headers.get("msh-cooldown-seconds"), null);
    }));

  it("limits concurrency while a stream is in flight", () =>
    using({ limits: { concurrency: 1 }, chunkDelayMs: 50 }, async (emu) => {
      const first = await post(emu, STREAM, { "x-emulator-reply-tokens": "40" });
      assert.equal(first.status, 200);
      const second = await chat(emu, BODY);
      assert.equal(second.status, 429);
      assert.equal(
        second.json.error.message,
        "Your account org-emulator<ak-emulator> request reached max organization concurrency: 1, please try again after 1 seconds",
      );
      assert.equal(second.headers.get("retry-after"), "1");
      await first.body?.cancel();
    }));

  it("refuses inference in quota-exhausted mode and with no balance", () =>
    using({ quotaExhausted: true }, async (emu) => {
      const res = await chat(emu, BODY);
      assert.equal(res.status, 429);
      assert.equal(res.json.error.type, "exceeded_current_quota_error");
      assert.equal(
        res.json.error.message,
        "Your account org-emulator <ak-emulator> is suspended due to insufficient balance, please recharge your account or check your plan and billing details",
      );
      assert.equal(res.headers.get("retry-after"), null);
      emu.setQuotaExhausted(false);
      assert.equal((await chat(emu, BODY)).status, 200);
      emu.setBalance({ cash: -5, voucher: 0 });
      assert.equal((await chat(emu, BODY)).status, 429);
    }));

  it("reports the balance in Moonshot's envelope", () =>
    using({ balance: { cash: 3.5, voucher: 10 } }, async (emu) => {
      const res = await call(emu, "GET", "/v1/users/me/balance");
      assert.deepEqual(res.json, {
        code: 0,
        data: { available_balance: 13.5, voucher_balance: 10, cash_balance: 3.5 },
        scode: "0x0",
        status: true,
      });
    }));

  it("estimates tokens in the {code,data,scode,status} envelope", () =>
    using({}, async (emu) => {
      const messages = [{ role: "system", content: "Be brief." }, user("Hello, Kimi!")];
      const res = await call(emu, "POST", "/v1/tokenizers/estimate-token-count", {
        model: "kimi-k2.6",
        messages,
      });
      assert.equal(
        res.text,
        `{"code":0,"data":{"total_tokens":${estimatePromptTokens(messages)}},"scode":"0x0","status":true}`,
      );
      const bad = await call(emu, "POST", "/v1/tokenizers/estimate-token-count", {
        model: "nope",
        messages,
      });
      assert.equal(bad.status, 404);
    }));

  it("checks the bearer when started with an apiKey", () =>
    using({ apiKey: "sk-right" }, async (emu) => {
      const wrong = await call(emu, "GET", "/v1/models", undefined, {
        authorization: "Bearer sk-wrong",
      });
      assert.equal(wrong.status, 401);
      assert.deepEqual(wrong.json, {
        error: { type: "invalid_authentication_error", message: "Invalid Authentication" },
      });
      const right = await call(emu, "GET", "/v1/models", undefined, {
        authorization: "Bearer sk-right",
      });
      assert.equal(right.status, 200);
    }));

  it("refuses a request without a bearer token even when started without an apiKey", () =>
    using({}, async (emu) => {
      const res = await fetch(`${emu.baseURL}/models`);
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), {
        error: { type: "invalid_authentication_error", message: "Invalid Authentication" },
      });
      const any = await call(emu, "GET", "/v1/models", undefined, { authorization: "Bearer x" });
      assert.equal(any.status, 200);
    }));

  it("records requests with Authorization redacted, clearable, and logs one line each", async () => {
    const lines: string[] = [];
    await using({ log: (line) => lines.push(line) }, async (emu) => {
      await call(emu, "POST", "/v1/chat/completions", BODY, { authorization: "Bearer sk-secret" });
      const [entry] = emu.requests;
      assert.equal(entry?.method, "POST");
      assert.equal(entry?.path, "/v1/chat/completions");
      assert.equal(entry?.status, 200);
      assert.equal(entry?.headers.authorization, "Bearer [redacted]");
      assert.deepEqual(entry?.body, BODY);
      assert.equal(JSON.stringify(emu.requests).includes("sk-secret"), false);
      emu.clearRequests();
      assert.equal(emu.requests.length, 0);
    });
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? "", /POST \/v1\/chat\/completions 200 \d+ms kimi-k2.6$/);
  });
});

describe("faults", () => {
  it("injects an error by header and by schedule (next N matching requests)", () =>
    using({}, async (emu) => {
      const byHeader = await chat(emu, BODY, {
        "x-emulator-fault":
          "error status=503 type=engine_overloaded_error message=The engine is currently overloaded, please try again later",
      });
      assert.equal(byHeader.status, 503);
      assert.deepEqual(byHeader.json, {
        error: {
          type: "engine_overloaded_error",
          message: "The engine is currently overloaded, please try again later",
        },
      });
      emu.inject({
        kind: "error",
        status: 429,
        type: "rate_limit_reached_error",
        message: "slow down",
        path: "/v1/chat",
        times: 2,
      });
      assert.equal((await call(emu, "GET", "/v1/models")).status, 200);
      assert.equal((await chat(emu, BODY)).status, 429);
      assert.equal((await chat(emu, BODY)).status, 429);
      assert.equal((await chat(emu, BODY)).status, 200);
      emu.inject({ kind: "error" });
      emu.clearFaults();
      assert.equal((await chat(emu, BODY)).status, 200);
    }));

  it("delays before headers and slows the stream, then answers normally", () =>
    using({}, async (emu) => {
      emu.inject({ kind: "delay", ms: 30 });
      const delayed = await chat(emu, BODY);
      assert.equal(delayed.status, 200);
      const slow = await chat(emu, STREAM, { "x-emulator-fault": "slow ms=5" });
      assert.equal(sseData(slow.text).at(-1), "[DONE]");
    }));

  it("cuts the connection after K chunks: no [DONE]", () =>
    using({}, async (emu) => {
      emu.inject({ kind: "cut", afterChunks: 2 });
      const res = await post(emu, STREAM);
      assert.equal(res.status, 200);
      const { text, broken } = await readAll(res);
      assert.equal(broken, true);
      assert.equal(text.includes("[DONE]"), false);
      assert.equal(text.split("\n\n").filter((event) => event.startsWith("data: ")).length, 2);
      const viaHeader = await readAll(
        await post(emu, STREAM, { "x-emulator-fault": "cut after=1" }),
      );
      assert.equal(viaHeader.broken, true);
      assert.equal(emu.requests.at(-1)?.status, 200);
    }));

  it("cuts a non-streaming response before its body", () =>
    using({}, async (emu) => {
      const res = await post(emu, BODY, { "x-emulator-fault": "cut" });
      await assert.rejects(res.text());
    }));

  it("sends a malformed SSE line after K chunks", () =>
    using({}, async (emu) => {
      const res = await chat(emu, STREAM, { "x-emulator-fault": "malformed after=2" });
      const data = sseData(res.text);
      assert.doesNotThrow(() => JSON.parse(data[0] as string));
      assert.doesNotThrow(() => JSON.parse(data[1] as string));
      assert.throws(() => JSON.parse(data[2] as string));
      assert.equal(data.at(-1), "[DONE]");
      assert.throws(() => sseChunks(res.text));
    }));

  it("a cut after more chunks than the reply has still delivers them all, then breaks before [DONE]", () =>
    using({}, async (emu) => {
      const full = sseData((await chat(emu, STREAM)).text);
      const res = await post(emu, STREAM, { "x-emulator-fault": "cut after=1000" });
      assert.equal(res.status, 200);
      const { text, broken } = await readAll(res);
      assert.equal(broken, true);
      assert.equal(text.includes("[DONE]"), false);
      const events = text.split("\n\n").filter((event) => event.startsWith("data: "));
      assert.equal(events.length, full.length - 1);
    }));

  it("a malformed line after more chunks than the reply has comes just before [DONE]", () =>
    using({}, async (emu) => {
      const res = await chat(emu, STREAM, { "x-emulator-fault": "malformed after=1000" });
      const data = sseData(res.text);
      assert.equal(data.at(-1), "[DONE]");
      assert.throws(() => JSON.parse(data.at(-2) as string));
      for (const entry of data.slice(0, -2)) assert.doesNotThrow(() => JSON.parse(entry));
    }));

  it("close() ends open streams promptly", async () => {
    const emu = await withEmulator({ chunkDelayMs: 1000 });
    const res = await post(emu, STREAM);
    const reading = readAll(res);
    await emu.close();
    const { text, broken } = await reading;
    assert.equal(broken, true);
    assert.equal(text.includes("[DONE]"), false);
  });
});
