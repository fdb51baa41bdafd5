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
import { Readable } from "node:stream";
import { computeCost, findCatalogModel, KimiError } from "kimi-provider";
import { emptyUsage, SseDataParser } from "kimi-provider/internal";
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
  // Only a gateway key has limits to check; a repair waits only when it reads the reasoning memory.
  if (identity.key !== undefined) await context.access.admit(identity);
  const repairing = repairChatRequest(body, config, (keys) => recallReasoning(db, keys));
  const repaired = repairing instanceof Promise ? await repairing : repairing;
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
  const { transport } = context.upstream;
  if (repaired.body.stream === true) {
    const open = await callUpstream(metrics, () => transport.open(request));
    await relayStream(res, open, repaired, identity, context);
    return;
  }
  const answer = await callUpstream(metrics, () => transport.textResponse(request));
  const accumulator = new AnswerAccumulator();
  try {
    accumulator.addBody(JSON.parse(answer.text));
  } catch {
    // Relayed as received; the cost is then unknown.
  }
  const settling = settle(repaired, accumulator, identity, context);
  const { costUsd, cachedTokens } = settling instanceof Promise ? await settling : settling;
  // One header object for writeHead: headers set one by one with setHeader are validated and
  // stored twice (setHeader, then writeHead merging them).
  const headers: Record<string, string | number> = {
    "content-type": answer.headers.get("content-type") ?? "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(answer.text),
    "x-kimi-cost-usd": costUsd === null ? "unknown" : String(costUsd),
    "x-kimi-cached-tokens": String(cachedTokens),
  };
  for (const name of RELAYED_HEADERS) {
    const value = answer.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  res.writeHead(answer.status, headers);
  res.end(answer.text);
}

/**
 * Makes one upstream call: its latency (to the response, or to the whole body for a non-stream
 * answer) goes to the metrics, and a failure becomes a {@link RelayedError}.
 */
async function callUpstream<T>(
  metrics: ChatRouteContext["metrics"],
  call: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  let value: T;
  try {
    value = await call();
  } catch (error) {
    throw new RelayedError(error);
  }
  metrics.observeLatency((performance.now() - started) / 1000);
  return value;
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

/** What the answer cost, for its headers. */
interface Settled {
  costUsd: number | null;
  cachedTokens: number;
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
function settle(
  repaired: RepairedRequest,
  accumulator: AnswerAccumulator,
  identity: ClientIdentity,
  context: ChatRouteContext,
): Settled | Promise<Settled> {
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
  if (usage) {
    metrics.tokens.add({ model: modelId, kind: "prompt" }, usage.promptTokens);
    metrics.tokens.add({ model: modelId, kind: "completion" }, usage.completionTokens);
    metrics.cachedTokens.add({ model: modelId }, usage.cachedTokens);
  }
  if (costUsd !== null) metrics.costUsd.add({ model: modelId }, costUsd);
  const settled = { costUsd, cachedTokens: usage?.cachedTokens ?? 0 };
  const turn = accumulator.hasToolCalls ? accumulator.turn : undefined;
  if (turn !== undefined && turn.reasoning_content !== "") {
    const key = turnKeys(repaired.body.messages, turn).get(repaired.body.messages.length);
    if (key !== undefined) {
      writes.push(
        rememberReasoning(db, key, turn.reasoning_content, context.config.reasoningTtlMs),
      );
    }
  }
  // Nothing to wait for (the common case): no promise, no extra turn before the answer's end.
  if (writes.length === 0) return settled;
  return Promise.allSettled(writes).then((results) => {
    for (const result of results) {
      if (result.status === "rejected") {
        context.log(`database write failed: ${String(result.reason)}`);
      }
    }
    return settled;
  });
}

/** How long the end of an upstream stream may lag its `[DONE]` before its connection is dropped. */
const END_AFTER_DONE_MS = 5_000;

/** How a relayed upstream body stopped: at `[DONE]`, at its end without it, or broken. */
type RelayEnd = { kind: "done" } | { kind: "ended" } | { kind: "broken"; error: unknown };

/**
 * Whether the answer may carry tool calls: only then does the gateway need the whole turn (its
 * reasoning is remembered for a tool-call turn, src/gateway/reasoning-memory.ts); otherwise it
 * reads only the chunks that carry usage.
 */
function mayCallTools(body: Record<string, unknown>): boolean {
  return (
    (Array.isArray(body.tools) && body.tools.length > 0) ||
    (Array.isArray(body.functions) && body.functions.length > 0)
  );
}

/**
 * Feeds each read of `body` to `onRead` as it arrives, in the same turn of the event loop (no
 * async-iterator hop per read, so the first chunk goes out as soon as it came in), pausing while
 * `res` is full. Resolves once `onRead` says the answer is complete (then the rest of the body,
 * normally only the end of its chunked encoding, is read in the background, so the connection
 * goes back to the keep-alive pool, and dropped with `cancel` if the end does not come), when the
 * body ends, or when it or `res` breaks.
 */
function relayReads(
  body: Readable,
  res: ServerResponse,
  onRead: (bytes: Buffer) => boolean,
  cancel: () => void,
): Promise<RelayEnd> {
  return new Promise((resolve) => {
    const finish = (end: RelayEnd) => {
      body.off("data", onData);
      body.off("end", onEnd);
      body.off("error", onError);
      body.off("close", onClose);
      res.off("drain", onDrain);
      res.off("close", onClientGone);
      resolve(end);
    };
    const onData = (bytes: Buffer) => {
      if (onRead(bytes)) {
        finish({ kind: "done" });
        readToEnd(body, cancel);
      } else if (res.writableNeedDrain) {
        body.pause();
      }
    };
    const onDrain = () => body.resume();
    const onEnd = () => finish({ kind: "ended" });
    const onError = (error: unknown) => finish({ kind: "broken", error });
    const onClose = () =>
      finish({ kind: "broken", error: new Error("the upstream connection closed mid-stream") });
    const onClientGone = () =>
      finish({ kind: "broken", error: new Error("the client closed the connection") });
    // IncomingMessage emits an error only to listeners: this one outlives the relay, so a
    // connection dropped later (open.cancel) never throws an unhandled 'error'.
    body.on("error", ignore);
    body.on("data", onData);
    body.on("end", onEnd);
    body.on("error", onError);
    body.on("close", onClose);
    res.on("drain", onDrain);
    res.on("close", onClientGone);
  });
}

function ignore(): void {}

/** Reads the rest of `body` after `[DONE]`, and drops it if its end does not come in time. */
function readToEnd(body: Readable, cancel: () => void): void {
  if (body.readableEnded) return;
  const timer = setTimeout(cancel, END_AFTER_DONE_MS);
  timer.unref();
  const stop = () => {
    clearTimeout(timer);
    body.off("end", stop);
    body.off("close", stop);
    body.off("error", stop);
  };
  body.on("end", stop);
  body.on("close", stop);
  // Anything after [DONE] is not part of the answer; an error here only means the connection
  // is not reused.
  body.on("error", stop);
  body.on("data", ignore);
  body.resume();
}

/** The same as {@link relayReads}, for a body that is not a Node stream (a custom `fetch`). */
async function relayIterated(
  body: AsyncIterable<Uint8Array>,
  res: ServerResponse,
  onRead: (bytes: Uint8Array) => boolean,
  cancel: () => void,
): Promise<RelayEnd> {
  // Iterated by hand, not with `for await`: leaving a `for await` at `[DONE]` destroys the
  // response, and with it the upstream keep-alive connection.
  const iterator = body[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return { kind: "ended" };
      if (onRead(next.value)) break;
      if (res.writableNeedDrain) await drainedOrClosed(res);
      if (res.destroyed) return { kind: "broken", error: new Error("the client went away") };
    }
  } catch (error) {
    return { kind: "broken", error };
  }
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
  return { kind: "done" };
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

/**
 * Relays an upstream stream to the client event by event, as each read arrives: the events are
 * framed again as `data: ...` lines (the service sends no other fields, docs/moonshot-wire.md
 * "Streams"), a chunk is parsed only when it carries usage (or, on a request with tools, always:
 * the turn is needed), and `[DONE]` is held back until the usage is settled.
 */
async function relayStream(
  res: ServerResponse,
  open: Awaited<ReturnType<Upstream["transport"]["open"]>>,
  repaired: RepairedRequest,
  identity: ClientIdentity,
  context: ChatRouteContext,
): Promise<void> {
  const accumulator = new AnswerAccumulator();
  const moveUsage = context.config.repairs.usage && !repaired.clientWantsUsageChunk;
  const everyChunk = mayCallTools(repaired.body);
  let pending = "";
  let sawDone = false;
  const parser = new SseDataParser((data) => {
    if (sawDone) return;
    if (data === "[DONE]") {
      sawDone = true;
      return;
    }
    // The key `"usage"` appears literally in every chunk that carries usage (inside a JSON
    // string a quote is escaped, so content never matches): the other chunks pass unread.
    if (!everyChunk && !data.includes('"usage"')) {
      pending += `data: ${data}\n\n`;
      return;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      pending += `data: ${data}\n\n`;
      return;
    }
    accumulator.addChunk(chunk);
    const action = moveUsage ? placeUsage(chunk) : { action: "pass" as const };
    if (action.action === "pass") pending += `data: ${data}\n\n`;
    else if (action.action === "rewrite") pending += `data: ${JSON.stringify(action.chunk)}\n\n`;
  });
  const headers: Record<string, string> = {
    "content-type": open.response.headers.get("content-type") ?? "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
  };
  for (const name of RELAYED_HEADERS) {
    const value = open.response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  res.writeHead(200, headers);
  const onRead = (bytes: Uint8Array): boolean => {
    parser.feed(bytes);
    if (pending !== "") {
      const text = pending;
      pending = "";
      res.write(text);
    }
    return sawDone;
  };
  const body = open.response.body;
  const end =
    body instanceof Readable
      ? await relayReads(body, res, onRead, open.cancel)
      : await relayIterated(body, res, onRead, open.cancel);
  open.done();
  if (end.kind === "broken" && !res.destroyed) {
    context.log(`upstream stream broke: ${open.translateBodyError(end.error).message}`);
  }
  if (end.kind !== "done" || res.destroyed) {
    // Only [DONE] means complete (docs/moonshot-wire.md, "Streams"): a cut upstream stream is
    // cut for the client too (the connection is reset, so no client mistakes it for a finished
    // answer), and nothing is added to the ledger.
    open.cancel();
    context.metrics.errors.add({ code: "stream_truncated" });
    res.destroy();
    return;
  }
  const settling = settle(repaired, accumulator, identity, context);
  if (settling instanceof Promise) await settling;
  res.end("data: [DONE]\n\n");
}
