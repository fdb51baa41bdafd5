/**
 * `POST /v1/chat/completions` through the gateway: the repaired request goes upstream, and the
 * answer comes back as the service sent it (a stream passes chunk by chunk as it arrives), with
 * the usage put where OpenAI clients read it, the cost in headers, and, before the client sees the
 * end of the answer, the reasoning of a tool-call turn remembered (so the client's next request,
 * on any instance, finds it) and, for a key with a daily budget, the usage added to the ledger
 * (so the next budget check, on any instance, sees it). Other usage is written within a few
 * milliseconds after (see {@link settle}).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { computeCost, findCatalogModel, KimiError } from "kimi-provider";
import { emptyUsage } from "kimi-provider/internal";
import type { AccessControl, ClientIdentity } from "./access-control.ts";
import { AnswerAccumulator } from "./answer-accumulator.ts";
import { checkChatBody } from "./chat-body.ts";
import { errorBodyFor, type GatewayErrorBody } from "./error-envelope.ts";
import type { GatewayConfig } from "./gateway-config.ts";
import type { LedgerWriter } from "./ledger-writer.ts";
import type { GatewayMetrics } from "./metrics.ts";
import { recallReasoning, rememberReasoning } from "./reasoning-memory.ts";
import { parseJsonBody, readBody } from "./request-body.ts";
import { type RepairedRequest, repairChatRequest, repairsHeader } from "./request-repairs.ts";
import type { SqlDatabase } from "./sql-database.ts";
import { turnKeys } from "./turn-key.ts";
import type { Upstream } from "./upstream.ts";
import { utcDay } from "./usage-ledger.ts";
import { placeUsage } from "./usage-placement.ts";

/** What the chat route needs. */
export interface ChatRouteContext {
  db: SqlDatabase;
  upstream: Upstream;
  config: GatewayConfig;
  metrics: GatewayMetrics;
  access: AccessControl;
  /** Where finished answers are added to the usage ledger. */
  ledger: LedgerWriter;
  log: (line: string) => void;
}

/** Upstream headers worth relaying to the client. */
const RELAYED_HEADERS = ["msh-request-id", "x-msh-trace-id", "msh-context-cache-token-saved"];

/** Our explanation of an upstream failure, in the gateway's terms. */
export function relayedErrorBody(error: unknown): GatewayErrorBody {
  const body = errorBodyFor(error);
  if (!(error instanceof KimiError)) return body;
  if (error.code === "authentication_failed") {
    return {
      ...body,
      status: 502,
      message:
        "Moonshot refused the gateway's own API key. This is the gateway's configuration, not your key: ask its operator to check KIMI_API_KEY where the gateway runs.",
    };
  }
  if (error.code === "model_not_found") {
    const model = findCatalogModel((error as { model?: string }).model ?? "");
    if (model?.status === "retired" && model.successor !== undefined) {
      return {
        ...body,
        message: `Model "${model.id}" was retired on ${model.retiredOn ?? "an earlier day"}; its successor is ${model.successor}. Send model "${model.successor}", or turn on the gateway's retiredModels repair to send it there automatically.`,
      };
    }
  }
  return body;
}

/** Serves one chat completion; throws refusals for the caller to answer. */
export async function serveChatCompletion(
  req: IncomingMessage,
  res: ServerResponse,
  identity: ClientIdentity,
  context: ChatRouteContext,
): Promise<void> {
  const { config, db, metrics } = context;
  const body = checkChatBody(parseJsonBody(await readBody(req, config.maxBodyBytes)));
  await context.access.admit(identity);
  const repaired = await repairChatRequest(body, config, (keys) => recallReasoning(db, keys));
  for (const repair of repaired.repairs) {
    metrics.repairs.add({ field: repair.field });
    context.log(`repair ${repair.field}: ${repair.note}`);
  }
  const header = repairsHeader(repaired.repairs);
  if (header !== "") res.setHeader("x-kimi-gateway-repairs", header);

  const abort = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  const request = {
    method: "POST" as const,
    path: "/chat/completions",
    body: repaired.body,
    model: repaired.body.model,
    signal: abort.signal,
  };
  const started = performance.now();
  if (repaired.body.stream === true) {
    let open: Awaited<ReturnType<Upstream["transport"]["open"]>>;
    try {
      open = await context.upstream.transport.open(request);
    } catch (error) {
      throw new RelayedError(error);
    }
    metrics.observeLatency((performance.now() - started) / 1000);
    await relayStream(res, open, repaired, identity, context);
    return;
  }
  let answer: Awaited<ReturnType<Upstream["transport"]["textResponse"]>>;
  try {
    answer = await context.upstream.transport.textResponse(request);
  } catch (error) {
    throw new RelayedError(error);
  }
  metrics.observeLatency((performance.now() - started) / 1000);
  const accumulator = new AnswerAccumulator();
  try {
    accumulator.addBody(JSON.parse(answer.text));
  } catch {
    // Relayed as received; the cost is then unknown.
  }
  const { costUsd, cachedTokens } = await settle(repaired, accumulator, identity, context);
  for (const name of RELAYED_HEADERS) {
    const value = answer.headers.get(name);
    if (value !== null) res.setHeader(name, value);
  }
  res.setHeader("x-kimi-cost-usd", costUsd === null ? "unknown" : String(costUsd));
  res.setHeader("x-kimi-cached-tokens", String(cachedTokens));
  res.writeHead(answer.status, {
    "content-type": answer.headers.get("content-type") ?? "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(answer.text),
  });
  res.end(answer.text);
}

/** An upstream failure, to be answered with {@link relayedErrorBody}. */
export class RelayedError extends Error {
  readonly original: unknown;
  constructor(original: unknown) {
    super(original instanceof Error ? original.message : String(original));
    this.name = "RelayedError";
    this.original = original;
  }
}

/**
 * Adds the finished answer to the ledger and remembers its reasoning. Runs before the end of
 * the answer is sent, and waits for the reasoning and, when the key has a daily budget, for the
 * ledger: what the next request (on any instance) decides on is committed first.
 *
 * Usage no budget depends on (loopback clients, keys without a budget) is not waited for: it
 * joins the ledger's next group commit, within `DEFERRED_WRITE_MS` (src/gateway/ledger-writer.ts),
 * instead of adding a commit to this answer's latency and blocking the next request with it. Its
 * row is still written in one atomic upsert, and only for a complete answer; `close()` writes
 * what is pending. The cost: an instance killed in those milliseconds loses that usage. A
 * database failure is logged, not answered: the client paid for the answer.
 */
async function settle(
  repaired: RepairedRequest,
  accumulator: AnswerAccumulator,
  identity: ClientIdentity,
  context: ChatRouteContext,
): Promise<{ costUsd: number | null; cachedTokens: number }> {
  const { db, metrics } = context;
  const modelId = repaired.body.model;
  const usage = accumulator.usage;
  const costUsd = usage ? computeCost(repaired.model, usage, {}, modelId).total : null;
  const budgeted = identity.key !== undefined && identity.key.budgetUsdPerDay !== null;
  const ledgerWrite = context.ledger.add(
    {
      keyId: identity.keyId,
      model: modelId,
      day: utcDay(new Date()),
      usage: usage ?? emptyUsage(),
      costUsd,
    },
    budgeted,
  );
  const writes: Promise<void>[] = [];
  if (budgeted) writes.push(ledgerWrite);
  else ledgerWrite.catch((error: unknown) => context.log(`ledger write failed: ${String(error)}`));
  const turn = accumulator.turn;
  if (turn.tool_calls.length > 0 && turn.reasoning_content !== "") {
    const key = turnKeys(repaired.body.messages, turn).get(repaired.body.messages.length);
    if (key !== undefined) {
      writes.push(
        rememberReasoning(db, key, turn.reasoning_content, context.config.reasoningTtlMs),
      );
    }
  }
  if (writes.length > 0) {
    const results = await Promise.allSettled(writes);
    for (const result of results) {
      if (result.status === "rejected") {
        context.log(`database write failed: ${String(result.reason)}`);
      }
    }
  }
  if (usage) {
    metrics.tokens.add({ model: modelId, kind: "prompt" }, usage.promptTokens);
    metrics.tokens.add({ model: modelId, kind: "completion" }, usage.completionTokens);
    metrics.cachedTokens.add({ model: modelId }, usage.cachedTokens);
  }
  if (costUsd !== null) metrics.costUsd.add({ model: modelId }, costUsd);
  return { costUsd, cachedTokens: usage?.cachedTokens ?? 0 };
}

/** How long the end of an upstream stream may lag its `[DONE]` before its connection is dropped. */
const END_AFTER_DONE_MS = 5_000;

/**
 * Reads what follows `[DONE]` (normally only the end of the chunked body) in the background, so
 * the connection goes back to the keep-alive pool; drops it if the end does not come.
 */
function readToEnd(iterator: AsyncIterator<Uint8Array>, cancel: () => void): void {
  const timer = setTimeout(cancel, END_AFTER_DONE_MS);
  timer.unref();
  void (async () => {
    try {
      while ((await iterator.next()).done !== true) {
        // Anything after [DONE] is not part of the answer.
      }
    } catch {
      // Dropped: nothing more to read.
    } finally {
      clearTimeout(timer);
    }
  })();
}

/** Waits until `res` can take more, or is gone (then nobody will ever drain it). */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

function sseEvent(message: EventSourceMessage, data: string): string {
  return `${message.event ? `event: ${message.event}\n` : ""}data: ${data}\n\n`;
}

async function relayStream(
  res: ServerResponse,
  open: Awaited<ReturnType<Upstream["transport"]["open"]>>,
  repaired: RepairedRequest,
  identity: ClientIdentity,
  context: ChatRouteContext,
): Promise<void> {
  const accumulator = new AnswerAccumulator();
  const moveUsage = context.config.repairs.usage && !repaired.clientWantsUsageChunk;
  let pending = "";
  let sawDone = false;
  const parser = createParser({
    onEvent(message) {
      if (sawDone) return;
      if (message.data === "[DONE]") {
        sawDone = true;
        return;
      }
      let chunk: unknown;
      try {
        chunk = JSON.parse(message.data);
      } catch {
        pending += sseEvent(message, message.data);
        return;
      }
      accumulator.addChunk(chunk);
      const action = moveUsage ? placeUsage(chunk) : { action: "pass" as const };
      if (action.action === "pass") pending += sseEvent(message, message.data);
      else if (action.action === "rewrite")
        pending += sseEvent(message, JSON.stringify(action.chunk));
    },
  });
  for (const name of RELAYED_HEADERS) {
    const value = open.response.headers.get(name);
    if (value !== null) res.setHeader(name, value);
  }
  res.writeHead(200, {
    "content-type": open.response.headers.get("content-type") ?? "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
  });
  const decoder = new TextDecoder();
  // Iterated by hand, not with `for await`: leaving a `for await` at `[DONE]` destroys the
  // response, and with it the upstream keep-alive connection (every stream then paid a new
  // connection, and against Moonshot a new TLS handshake).
  const iterator = open.response.body[Symbol.asyncIterator]();
  try {
    while (!sawDone) {
      const next = await iterator.next();
      if (next.done === true) break;
      parser.feed(decoder.decode(next.value, { stream: true }));
      if (pending !== "") {
        const text = pending;
        pending = "";
        if (!res.write(text)) await drainedOrClosed(res);
      }
    }
  } catch (error) {
    context.log(`upstream stream broke: ${open.translateBodyError(error).message}`);
  } finally {
    open.done();
  }
  if (!sawDone || res.destroyed) {
    // Only [DONE] means complete (docs/moonshot-wire.md, "Streams"): a cut upstream stream is
    // cut for the client too (the connection is reset, so no client mistakes it for a finished
    // answer), and nothing is added to the ledger.
    open.cancel();
    context.metrics.errors.add({ code: "stream_truncated" });
    res.destroy();
    return;
  }
  readToEnd(iterator, open.cancel);
  await settle(repaired, accumulator, identity, context);
  res.end("data: [DONE]\n\n");
}
