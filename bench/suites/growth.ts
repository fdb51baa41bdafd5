/**
 * Suite 6 (child process): how the client's own cost grows with the request. For each case
 * (1, 100, 1,000 messages of history; 10 tools; a 1 MiB prompt to kimi-k3) kimi-provider and the
 * bare node:http floor send the same body, interleaved in rounds, and the row reports the extra
 * client CPU per request over the floor. The history is the same objects on every send, as a chat
 * session or tool loop resends it; the "new objects" and "new text" rows rebuild it per send (as
 * adapters that convert messages on every call do), so the cache cannot key on the objects.
 */
import http from "node:http";
import { BENCH_API_KEY } from "../clients/client.ts";
import { describeError } from "../clients/index.ts";
import { LIBRARY_ENTRY } from "../clients/kimi-provider.ts";

/** The built `kimi-provider/internal` entry. */
const INTERNAL_ENTRY = new URL("../../dist/kimi-provider-internal.js", import.meta.url);

import { nodeHttpPost, readJson } from "../clients/node-http.ts";
import type { RoundPlan } from "../config.ts";
import { childInput, runSuite } from "../lib/child.ts";
import { runRounds } from "../lib/rounds.ts";

/** One growth case to measure. */
export interface GrowthCase {
  /** Row label. */
  label: string;
  model: string;
  /** Messages of history (alternating user / assistant, ~200 characters each). */
  messages: number;
  /** Function tools declared. */
  tools: number;
  /** Characters of one extra user prompt at the end (0: none). */
  promptChars: number;
  /** Rebuild the messages as new objects per send ("objects"), or the prompt text too ("text"). */
  fresh: "none" | "objects" | "text";
  plan: RoundPlan;
}

/** Input from the orchestrator. */
export interface GrowthInput {
  baseURL: string;
  cases: GrowthCase[];
}

/** One case's result. */
export interface GrowthRow {
  label: string;
  /** Request body size, bytes. */
  bodyBytes: number;
  requests: number;
  floorCpuMicros: number | null;
  kimiCpuMicros: number | null;
  /** kimi minus floor, µs of client CPU per request. */
  extraCpuMicros: number | null;
  /**
   * The pre-send context check alone (`preSendPromptTokens` with the shared cache, as the client
   * calls it), timed in process after the case ran: steadier than the CPU difference above.
   */
  checkMicros: number | null;
  error: string | null;
}

interface KimiChat {
  chat(request: Record<string, unknown>): Promise<{ content: string }>;
}

/** What the suite takes from the built library besides the client. */
interface Library {
  createKimi: (options: object) => KimiChat;
  findCatalogModel: (id: string) => { contextWindow?: number } | undefined;
  preSendPromptTokens: (
    messages: unknown[],
    tools: unknown[] | undefined,
    room?: number,
  ) => unknown;
}

const SENTENCE =
  "The quick brown fox checks the build log, finds 3 warnings in module 42, and reports back. ";

function history(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    role: i % 2 === 0 ? "user" : "assistant",
    content: `${i}: ${SENTENCE}${SENTENCE}`.slice(0, 200),
  }));
}

function tools(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    type: "function",
    function: {
      name: `tool_${i}`,
      description: `Tool number ${i}: looks things up in the project's index and returns matches.`,
      parameters: {
        type: "object",
        properties: {
          query: { type: "string", description: "What to look for." },
          limit: { type: "integer", minimum: 1, maximum: 100 },
          scope: { type: "string", enum: ["files", "symbols", "docs"] },
        },
        required: ["query"],
      },
    },
  }));
}

function prompt(chars: number, variant: number): string {
  const base = SENTENCE.repeat(Math.ceil(chars / SENTENCE.length) + 1);
  return `${variant} ${base}`.slice(0, chars);
}

async function measureCase(
  spec: GrowthCase,
  baseURL: string,
  library: Library,
  kimi: KimiChat,
): Promise<GrowthRow> {
  const row: GrowthRow = {
    label: spec.label,
    bodyBytes: 0,
    requests: 0,
    floorCpuMicros: null,
    kimiCpuMicros: null,
    extraCpuMicros: null,
    checkMicros: null,
    error: null,
  };
  const baseHistory = history(spec.messages);
  const toolList = spec.tools > 0 ? tools(spec.tools) : undefined;
  // Distinct prompts for the "text" case, made before timing (a few, reused round robin).
  const prompts =
    spec.promptChars > 0
      ? Array.from({ length: spec.fresh === "text" ? 8 : 1 }, (_, i) => prompt(spec.promptChars, i))
      : [];
  const tail = (text: string | undefined) =>
    text === undefined ? [] : [{ role: "user", content: text }];
  // Same objects on every send (a session resending its history).
  const fixed = [...baseHistory, ...tail(prompts[0])];
  let sent = 0;
  const messagesFor = (): Record<string, unknown>[] => {
    if (spec.fresh === "none") return fixed;
    const text = prompts.length === 0 ? undefined : prompts[sent++ % prompts.length];
    return [...baseHistory.map((message) => ({ ...message })), ...tail(text)];
  };
  // kimi-k2.6 with thinking off, kimi-k3 always thinks: the floor sends what the policy sends.
  const thinkingOff = spec.model !== "kimi-k3";
  const floorBody = (messages: Record<string, unknown>[]) =>
    JSON.stringify({
      model: spec.model,
      messages,
      max_tokens: 32_768,
      ...(thinkingOff ? { thinking: { type: "disabled" } } : {}),
      ...(toolList ? { tools: toolList } : {}),
    });
  row.bodyBytes = Buffer.byteLength(floorBody(messagesFor()));
  const url = new URL(`${baseURL}/chat/completions`);
  const target = { hostname: url.hostname, port: url.port, path: url.pathname };
  const agent = new http.Agent({ keepAlive: true });
  const headers = { "content-type": "application/json", authorization: `Bearer ${BENCH_API_KEY}` };
  const floor = () => nodeHttpPost(agent, target, headers, floorBody(messagesFor()), readJson);
  const ours = () =>
    kimi.chat({
      model: spec.model,
      messages: messagesFor(),
      ...(thinkingOff ? { thinking: false } : {}),
      ...(toolList ? { tools: toolList } : {}),
    });
  const clients = [
    { id: "floor", call: floor },
    { id: "kimi", call: ours },
  ];
  try {
    for (const client of clients) {
      for (let i = 0; i < spec.plan.warmup; i++) await client.call();
    }
  } catch (error) {
    row.error = describeError(error);
    agent.destroy();
    return row;
  }
  const cpu = new Map<string, number>();
  const states = await runRounds(
    clients,
    spec.plan,
    async (client) => {
      const samples: number[] = [];
      const started = performance.now();
      const before = process.cpuUsage();
      for (let i = 0; i < spec.plan.perRound; i++) {
        await client.call();
        samples.push(0);
      }
      const used = process.cpuUsage(before);
      cpu.set(client.id, (cpu.get(client.id) ?? 0) + used.user + used.system);
      return { samples, elapsedMs: performance.now() - started };
    },
    describeError,
  );
  agent.destroy();
  const [floorState, kimiState] = states;
  row.error = floorState?.error ?? kimiState?.error ?? null;
  if (row.error || !floorState || !kimiState) return row;
  row.requests = kimiState.calls;
  row.floorCpuMicros = (cpu.get("floor") ?? Number.NaN) / floorState.calls;
  row.kimiCpuMicros = (cpu.get("kimi") ?? Number.NaN) / kimiState.calls;
  row.extraCpuMicros = row.kimiCpuMicros - row.floorCpuMicros;
  // The check alone: (build the messages + check) minus (build the messages), per call.
  const window = library.findCatalogModel(spec.model)?.contextWindow;
  const room = window === undefined ? undefined : window - 32_768;
  const calls = Math.max(20, spec.plan.perRound * 4);
  const timed = (check: boolean) => {
    const started = performance.now();
    for (let i = 0; i < calls; i++) {
      const messages = messagesFor();
      if (check) library.preSendPromptTokens(messages, toolList, room);
    }
    return performance.now() - started;
  };
  timed(true);
  row.checkMicros = Math.max(0, ((timed(true) - timed(false)) * 1000) / calls);
  return row;
}

async function main(): Promise<GrowthRow[]> {
  const input = childInput<GrowthInput>();
  // The pre-send check is a building block of `kimi-provider/internal` (the split bundle's
  // second entry, sharing the client's cache); the client and the catalog are public.
  const library = {
    ...(await import(LIBRARY_ENTRY.href)),
    ...(await import(INTERNAL_ENTRY.href)),
  } as Library;
  const kimi = library.createKimi({ apiKey: BENCH_API_KEY, baseURL: input.baseURL, maxRetries: 0 });
  const rows: GrowthRow[] = [];
  for (const spec of input.cases) rows.push(await measureCase(spec, input.baseURL, library, kimi));
  return rows;
}

runSuite(main);
