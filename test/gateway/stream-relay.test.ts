/**
 * How the gateway relays a stream, over loopback with the emulator upstream: a client that reads
 * slowly still gets every event in order (the relay waits for it instead of buffering or dropping),
 * a client that goes away mid-stream stops the upstream stream and adds nothing to the ledger, and
 * the chunks the gateway leaves alone reach the client as the service sent them.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, beforeEach, describe, it } from "node:test";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { type RunningGateway, startGateway } from "../../src/gateway/index.ts";
import { post, type SharedPostgres, sseData, startSharedPostgres, tempDir } from "./helpers.ts";

const UPSTREAM_KEY = "sk-upstream-secret-789";
/** Content chunks of every reply: megabytes of events, more than the sockets' buffers hold. */
const REPLY_TOKENS = 20_000;
const hello = [{ role: "user", content: "Say hello." }];

let emulator: RunningEmulator;
let postgres: SharedPostgres;
let gateway: RunningGateway;
const state = tempDir();

before(async () => {
  emulator = await startEmulator({ apiKey: UPSTREAM_KEY, replyTokens: REPLY_TOKENS });
  postgres = await startSharedPostgres();
  gateway = await startGateway({
    port: 0,
    apiKey: UPSTREAM_KEY,
    baseURL: emulator.baseURL,
    databaseUrl: postgres.url,
    stateDir: state.path,
  });
});

after(async () => {
  await gateway?.close();
  await postgres?.close();
  await emulator?.close();
  state.cleanup();
});

beforeEach(() => {
  emulator.clearRequests();
  emulator.clearFaults();
});

/** Streams `body` from the gateway with node:http; `onFirstData` runs at the first piece. */
function streamFrom(
  body: unknown,
  onFirstData: (pause: () => void, resume: () => void, stop: () => void) => void,
): Promise<{ text: string; stopped: boolean }> {
  const url = new URL(`${gateway.baseURL}/chat/completions`);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: { "content-type": "application/json" },
      },
      (res) => {
        let text = "";
        let first = true;
        let stopped = false;
        res.setEncoding("utf8");
        res.on("data", (piece: string) => {
          text += piece;
          if (!first) return;
          first = false;
          onFirstData(
            () => res.pause(),
            () => res.resume(),
            () => {
              stopped = true;
              req.destroy();
              resolve({ text, stopped });
            },
          );
        });
        res.on("end", () => resolve({ text, stopped }));
        res.on("error", (error) => (stopped ? undefined : reject(error)));
      },
    );
    req.on("error", (error) => {
      if (!req.destroyed || error.message !== "socket hang up") reject(error);
    });
    req.end(JSON.stringify(body));
  });
}

async function ledgerRequests(): Promise<number> {
  const result = await postgres.db.query<{ requests: number | null }>(
    "SELECT sum(requests)::float8 AS requests FROM kimi_gateway_usage",
  );
  return result.rows[0]?.requests ?? 0;
}

async function metric(name: string): Promise<string> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  return text.split("\n").find((line) => line.startsWith(name)) ?? "";
}

describe("the stream relay", () => {
  it("gives a client that reads slowly every event, in order, ending with [DONE]", async () => {
    const { text, stopped } = await streamFrom(
      { model: "kimi-k2.6", thinking: { type: "disabled" }, messages: hello, stream: true },
      (pause, resume) => {
        // Stop reading while megabytes are still to come: the gateway must wait, not drop.
        pause();
        setTimeout(resume, 300);
      },
    );
    assert.equal(stopped, false);
    const data = sseData(text);
    assert.equal(data.at(-1), "[DONE]");
    assert.equal(data.filter((item) => item === "[DONE]").length, 1);
    const chunks = data.slice(0, -1).map((item) => JSON.parse(item));
    const contents = chunks.filter(
      (chunk) =>
        typeof chunk.choices[0]?.delta?.content === "string" &&
        chunk.choices[0].delta.content !== "",
    );
    assert.equal(contents.length, REPLY_TOKENS);
    const finish = chunks.at(-1);
    assert.equal(finish.choices[0].finish_reason, "stop");
    assert.deepEqual(finish.usage, finish.choices[0].usage);
    assert.equal(emulator.requests[0]?.outcome, "complete");
  });

  it("stops the upstream stream when the client goes away, and adds nothing to the ledger", async () => {
    const before = await ledgerRequests();
    const truncatedBefore = await metric('kimi_gateway_errors_total{code="stream_truncated"}');
    emulator.inject({ kind: "slow-stream", ms: 20 });
    const { stopped } = await streamFrom(
      { model: "kimi-k2.6", thinking: { type: "disabled" }, messages: hello, stream: true },
      (_pause, _resume, stop) => stop(),
    );
    assert.equal(stopped, true);
    // The upstream stream would take minutes: it ends only because the gateway dropped it.
    for (let waited = 0; emulator.requests[0]?.outcome === "pending" && waited < 10_000; ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      waited += 50;
    }
    assert.equal(emulator.requests[0]?.outcome, "aborted");
    assert.equal(
      await metric('kimi_gateway_errors_total{code="stream_truncated"}'),
      `kimi_gateway_errors_total{code="stream_truncated"} ${Number(truncatedBefore.split(" ")[1] ?? 0) + 1}`,
    );
    // The gateway still serves, and what it writes later does not include the cut stream.
    const next = await post(gateway.baseURL, "/chat/completions", {
      model: "kimi-k2.6",
      thinking: { type: "disabled" },
      messages: hello,
      max_tokens: 5,
    });
    assert.equal(next.status, 200);
    await gateway.close();
    assert.equal(await ledgerRequests(), before + 1);
    gateway = await startGateway({
      port: 0,
      apiKey: UPSTREAM_KEY,
      baseURL: emulator.baseURL,
      databaseUrl: postgres.url,
      stateDir: state.path,
    });
  });

  it("relays the chunks it leaves alone exactly as the service sent them", async () => {
    // With include_usage asked for, nothing is rewritten: the client's events are the service's.
    const body = {
      model: "kimi-k2.6",
      thinking: { type: "disabled" },
      messages: hello,
      stream: true,
      stream_options: { include_usage: true },
    };
    const through = sseData((await post(gateway.baseURL, "/chat/completions", body)).text);
    const direct = sseData(
      (
        await post(emulator.baseURL, "/chat/completions", body, {
          authorization: `Bearer ${UPSTREAM_KEY}`,
        })
      ).text,
    );
    // Ids and timestamps differ per response; everything else is the same, event for event.
    const comparable = (data: string[]) =>
      data.map((item) =>
        item.replace(/"id":"[^"]*"/, '"id":""').replace(/"created":\d+/, '"created":0'),
      );
    assert.equal(through.length, direct.length);
    assert.deepEqual(comparable(through), comparable(direct));
  });
});
