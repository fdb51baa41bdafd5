/**
 * Interactive chat sessions, driven as people and scripts drive them: through a real
 * pseudo-terminal (three turns, a /file, Ctrl-C mid-answer then another turn, /cost, Ctrl-D), and
 * through a pipe (each line a turn). What was sent is read from the emulator's request log; the
 * sessions are resumed by later processes (`--continue`, `--session NAME`).
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { ChatMessage } from "../../src/chat/types.ts";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { PtySession, plainText } from "./pty.ts";
import { runCli, TempDirs } from "./run-cli.ts";

const KEY = "sk-chat-session-test";
const SUMMARY = /kimi-k2\.6: \d+ prompt tokens/;

interface ChatBody {
  model: string;
  messages: ChatMessage[];
}

describe("kimi-provider chat sessions", () => {
  let emu: RunningEmulator;
  const temp = new TempDirs();
  const env = (state: string): Record<string, string> => ({
    KIMI_API_KEY: KEY,
    KIMI_BASE_URL: emu.baseURL,
    KIMI_STATE_DIR: state,
    HOME: state,
  });
  const chats = (): ChatBody[] =>
    emu.requests
      .filter((request) => request.path === "/v1/chat/completions")
      .map((request) => request.body as ChatBody);

  before(async () => {
    emu = await startEmulator({ apiKey: KEY });
  });
  after(async () => {
    await emu.close();
    temp.cleanup();
  });

  it("on a terminal: three turns, a /file, Ctrl-C mid-answer then another turn, /cost; --continue resumes later", {
    timeout: 60_000,
  }, async () => {
    const state = temp.make();
    const doc = join(state, "notes.txt");
    writeFileSync(doc, "The launch code word is BLUEBIRD.");
    emu.clearRequests();
    const pty = new PtySession(["chat"], env(state));
    try {
      await pty.waitFor(/> /);
      pty.type("My name is Ada\r");
      await pty.waitFor(SUMMARY, 1);
      pty.type(`/file ${doc}\r`);
      await pty.waitFor(
        /added notes\.txt \(~\d+ tokens\) as a system message; the upload was deleted/,
      );
      pty.type("What is my name?\r");
      await pty.waitFor(SUMMARY, 2);
      // A slow answer, cancelled once its reasoning has started to arrive.
      emu.inject({ kind: "slow-stream", ms: 200, path: "/v1/chat/completions" });
      pty.type("Tell me a long story\r");
      await pty.waitFor(/thinking: /, 3);
      pty.type("\u0003");
      await pty.waitFor(/\(cancelled; this question and its partial answer are not kept\)/);
      pty.type("Summarize our talk\r");
      await pty.waitFor(SUMMARY, 3);
      pty.type("/cost\r");
      await pty.waitFor(/session: 3 requests/);
      pty.type("\u0004");
      assert.equal(await pty.finish(), 0, pty.output);
    } finally {
      pty.kill();
    }

    const screen = plainText(pty.output);
    // Reasoning is dimmed and labelled; the waiting indicator appeared before the first token.
    assert.ok(pty.output.includes("\u001b[2mthinking: \u001b[22m"), screen);
    assert.match(screen, /waiting for kimi-k2\.6/);
    assert.equal(screen.includes(KEY), false);

    const sent = chats();
    assert.equal(sent.length, 4);
    assert.deepEqual(sent[0]?.messages, [{ role: "user", content: "My name is Ada" }]);
    const second = sent[1]?.messages ?? [];
    assert.equal(second.length, 4);
    assert.deepEqual(second[0], { role: "user", content: "My name is Ada" });
    const firstAnswer = second[1];
    assert.equal(firstAnswer?.role, "assistant");
    assert.equal(
      typeof (firstAnswer as { reasoning_content?: unknown }).reasoning_content,
      "string",
    );
    assert.equal(second[2]?.role, "system");
    assert.match(String(second[2]?.content), /The launch code word is BLUEBIRD\./);
    assert.deepEqual(second[3], { role: "user", content: "What is my name?" });
    assert.deepEqual(sent[2]?.messages.at(-1), { role: "user", content: "Tell me a long story" });
    // The third turn carries the first two (and the file), in the order sent, and not the
    // cancelled question.
    const third = sent[3]?.messages ?? [];
    assert.equal(third.length, 6);
    assert.deepEqual(third.slice(0, 4), second);
    assert.equal(third[4]?.role, "assistant");
    assert.deepEqual(third[5], { role: "user", content: "Summarize our talk" });
    assert.equal(JSON.stringify(third).includes("long story"), false);
    // The document went through upload, extraction and deletion.
    const fileCalls = emu.requests
      .filter((request) => request.path.startsWith("/v1/files"))
      .map(
        (request) =>
          `${request.method} ${request.path.replace(/\/files\/[^/]+/, "/files/ID")} ${request.status}`,
      );
    assert.deepEqual(fileCalls, [
      "POST /v1/files 200",
      "GET /v1/files/ID/content 200",
      "DELETE /v1/files/ID 200",
    ]);

    // /cost: the three answered requests; the third hit the cache on the prefix it shares.
    const cost =
      /session: 3 requests, ([\d,]+) prompt tokens \((\d+)% cache hits, ([\d,]+) cached\), ([\d,]+) completion tokens, \$[\d.]+/.exec(
        screen,
      );
    assert.ok(cost, screen);
    const shown = JSON.parse(
      (await runCli(["sessions", "show", "chat-1", "--json"], { env: env(state) })).stdout,
    ) as { turns: number; usage: { promptTokens: number; cachedTokens: number; requests: number } };
    assert.equal(shown.turns, 3);
    assert.equal(shown.usage.requests, 3);
    assert.equal(Number(cost[1]?.replaceAll(",", "")), shown.usage.promptTokens);
    assert.equal(Number(cost[3]?.replaceAll(",", "")), shown.usage.cachedTokens);
    assert.ok(shown.usage.cachedTokens > 0, "the shared prefix was served from the cache");
    // The ledger holds the three answered requests, not the cancelled one.
    const ledger = JSON.parse((await runCli(["usage", "--json"], { env: env(state) })).stdout) as {
      requests: number;
    };
    assert.equal(ledger.requests, 3);

    // After the process exited: --continue sends the whole history, reasoning included.
    const resumed = await runCli(["chat", "--continue", "One more question"], { env: env(state) });
    assert.equal(resumed.code, 0, resumed.stderr);
    const fourth = chats().at(-1)?.messages ?? [];
    assert.equal(fourth.length, 8);
    assert.deepEqual(fourth.slice(0, 6), third);
    const thirdAnswer = fourth[6] as { role: string; reasoning_content?: unknown };
    assert.equal(thirdAnswer.role, "assistant");
    assert.equal(typeof thirdAnswer.reasoning_content, "string");
    assert.deepEqual(fourth[7], { role: "user", content: "One more question" });
  });

  it("on a pipe: each line is a turn, slash commands work, nothing but answers on stdout", async () => {
    const state = temp.make();
    emu.clearRequests();
    const run = await runCli(["chat", "-i", "--session", "scripted", "--hide-reasoning"], {
      env: env(state),
      stdin: "First question\n/model kimi-k3\nSecond question\n/undo\nThird question\n/cost\n",
    });
    assert.equal(run.code, 0, run.stderr);
    const sent = chats();
    assert.deepEqual(
      sent.map((body) => [
        body.model,
        body.messages.filter((m) => m.role === "user").map((m) => m.content),
      ]),
      [
        ["kimi-k2.6", ["First question"]],
        ["kimi-k3", ["First question", "Second question"]],
        // /undo forgot the second exchange.
        ["kimi-k3", ["First question", "Third question"]],
      ],
    );
    const lines = run.stdout.trimEnd().split("\n");
    assert.equal(lines[1], "model: kimi-k3");
    assert.equal(lines[3], "forgot the last question and its answer");
    assert.match(
      lines.at(-1) ?? "",
      /^session: 3 requests, [\d,]+ prompt tokens \(\d+% cache hits, [\d,]+ cached\), [\d,]+ completion tokens, \$0\.\d+$/,
    );

    const list = JSON.parse(
      (await runCli(["sessions", "list", "--json"], { env: env(state) })).stdout,
    ) as {
      name: string;
      turns: number;
      model: string;
    }[];
    assert.deepEqual(
      list.map((s) => [s.name, s.turns, s.model]),
      [["scripted", 2, "kimi-k3"]],
    );
    // --session NAME resumes it by name in a later process.
    const again = await runCli(["chat", "--session", "scripted", "And again"], { env: env(state) });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(
      chats()
        .at(-1)
        ?.messages.filter((m) => m.role === "user")
        .map((m) => m.content),
      ["First question", "Third question", "And again"],
    );
    const deleted = await runCli(["sessions", "delete", "scripted"], { env: env(state) });
    assert.equal(deleted.stdout, "deleted 1 session: scripted\n");
    const none = await runCli(["chat", "--continue", "hello"], { env: env(state) });
    assert.equal(none.code, 2);
    assert.match(
      none.stderr,
      /usage error \(--continue\): There is no saved session to continue yet/,
    );
    const typo = await runCli(["sessions", "show", "scriptd"], { env: env(state) });
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /No session named "scriptd"\. Run/);
  });

  it("--tools-exec answers tool calls with the command's output; a resumed session keeps the tool turns exactly", async () => {
    const state = temp.make();
    const tools = join(state, "tools.json");
    const callFile = join(state, "call.json");
    writeFileSync(
      tools,
      JSON.stringify([
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Current weather of a city",
            parameters: {
              type: "object",
              properties: { city: { type: "string" } },
              required: ["city"],
            },
          },
        },
      ]),
    );
    emu.clearRequests();
    const run = await runCli(
      [
        "chat",
        "--tools",
        tools,
        "--tools-exec",
        `cat > '${callFile}'; echo '{"temp_c": 21}'`,
        "Use get_weather for Paris",
      ],
      { env: env(state) },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^\[tool call get_weather_0\] get_weather\(\{"city": ".*"\}\)$/m);
    const call = JSON.parse(readFileSync(callFile, "utf8")) as {
      id: string;
      name: string;
      arguments: { city: string };
    };
    assert.equal(call.id, "get_weather_0");
    assert.equal(call.name, "get_weather");
    assert.equal(typeof call.arguments.city, "string");
    const sent = chats();
    assert.equal(sent.length, 2);
    const followUp = sent[1]?.messages ?? [];
    assert.equal(followUp.length, 3);
    const assistant = followUp[1] as {
      role: string;
      reasoning_content?: unknown;
      tool_calls?: { id: string }[];
    };
    assert.equal(assistant.role, "assistant");
    assert.equal(typeof assistant.reasoning_content, "string");
    assert.equal(assistant.tool_calls?.[0]?.id, "get_weather_0");
    assert.deepEqual(followUp[2], {
      role: "tool",
      tool_call_id: "get_weather_0",
      name: "get_weather",
      content: '{"temp_c": 21}',
    });

    const resumed = await runCli(["chat", "--continue", "And tomorrow?"], { env: env(state) });
    assert.equal(resumed.code, 0, resumed.stderr);
    const last = chats().at(-1)?.messages ?? [];
    assert.deepEqual(last.slice(0, 3), followUp);
    assert.equal(last.length, 5);
    assert.deepEqual(last[4], { role: "user", content: "And tomorrow?" });
    assert.equal(emu.requests.at(-1)?.status, 200);
  });
});
