/**
 * A tiny scripted Moonshot stand-in for cases the emulator cannot produce on demand (a model that
 * keeps calling tools, malformed arguments, an invalid JSON answer). Each request takes the next
 * scripted reply and gets it in Moonshot's wire shape: SSE when `stream: true` (usage in
 * `choices[0].usage` of the finish chunk, docs/moonshot-wire.md, "Usage"), JSON otherwise.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ScriptedReply {
  content?: string;
  reasoning?: string;
  toolCalls?: { id: string; name: string; arguments: string }[];
  finishReason?: string;
  promptTokens?: number;
  completionTokens?: number;
}

export interface ScriptedServer {
  baseURL: string;
  /** Parsed JSON bodies of the chat requests, in order. */
  bodies: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startScriptedServer(replies: ScriptedReply[]): Promise<ScriptedServer> {
  const queue = [...replies];
  const bodies: Record<string, unknown>[] = [];
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => {
      raw += chunk.toString("utf8");
    });
    req.on("end", () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      bodies.push(body);
      const reply = queue.shift();
      if (reply === undefined) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { type: "server_error", message: "script exhausted" } }));
        return;
      }
      const usage = {
        prompt_tokens: reply.promptTokens ?? 100,
        completion_tokens: reply.completionTokens ?? 10,
        total_tokens: (reply.promptTokens ?? 100) + (reply.completionTokens ?? 10),
      };
      const toolCalls = (reply.toolCalls ?? []).map((call, index) => ({
        index,
        id: call.id,
        type: "function",
        function: { name: call.name, arguments: call.arguments },
      }));
      const finishReason = reply.finishReason ?? (toolCalls.length > 0 ? "tool_calls" : "stop");
      const base = {
        id: "chatcmpl-6911668985355ab7ab43bc2b",
        created: 1762748041,
        model: body.model,
      };
      if (body.stream === true) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        const send = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
          res.write(
            `data: ${JSON.stringify({
              ...base,
              object: "chat.completion.chunk",
              choices: [{ index: 0, delta, finish_reason: null, ...extra }],
            })}\n\n`,
          );
        send({ role: "assistant", content: "" });
        if (reply.reasoning !== undefined) send({ reasoning_content: reply.reasoning });
        if (reply.content !== undefined && reply.content !== "") send({ content: reply.content });
        if (toolCalls.length > 0) send({ tool_calls: toolCalls });
        send({}, { finish_reason: finishReason, usage });
        res.end("data: [DONE]\n\n");
        return;
      }
      const message: Record<string, unknown> = { role: "assistant", content: reply.content ?? "" };
      if (reply.reasoning !== undefined) message.reasoning_content = reply.reasoning;
      if (toolCalls.length > 0) {
        message.tool_calls = toolCalls.map(({ index: _index, ...call }) => call);
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          ...base,
          object: "chat.completion",
          choices: [{ index: 0, message, finish_reason: finishReason }],
          usage,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
