/**
 * Fault injection: the next N matching requests (scheduled in-process with `inject()`) or one
 * request (header `x-emulator-fault`) get an error, a delay, a slow stream, a cut connection or a
 * malformed SSE line, so client retry and truncation handling is tested against real sockets.
 */

/** What goes wrong. */
export type FaultKind =
  | { kind: "error"; status: number; type: string; message: string }
  | { kind: "delay"; ms: number }
  | { kind: "slow-stream"; ms: number }
  | { kind: "cut"; afterChunks: number }
  | { kind: "malformed"; afterChunks: number };

/** Which requests a scheduled fault applies to, and how many times. */
export interface FaultMatch {
  /** Request path (without query) equal to or starting with this; default: every path. */
  path?: string;
  /** HTTP method; default: any. */
  method?: string;
  /** How many matching requests get the fault; default 1. */
  times?: number;
}

/** A fault for `RunningEmulator.inject()`. `error` fields other than `kind` are optional. */
export type FaultSpec = FaultMatch &
  (
    | { kind: "error"; status?: number; type?: string; message?: string }
    | { kind: "delay"; ms: number }
    | { kind: "slow-stream"; ms: number }
    | { kind: "cut"; afterChunks?: number }
    | { kind: "malformed"; afterChunks?: number }
  );

interface Scheduled {
  match: FaultMatch;
  remaining: number;
  fault: FaultKind;
}

function normalize(spec: FaultSpec): FaultKind {
  switch (spec.kind) {
    case "error":
      return {
        kind: "error",
        status: spec.status ?? 500,
        type: spec.type ?? "server_error",
        message: spec.message ?? "Internal server error",
      };
    case "delay":
      return { kind: "delay", ms: spec.ms };
    case "slow-stream":
      return { kind: "slow-stream", ms: spec.ms };
    case "cut":
      return { kind: "cut", afterChunks: spec.afterChunks ?? 1 };
    case "malformed":
      return { kind: "malformed", afterChunks: spec.afterChunks ?? 1 };
  }
}

/** The queue of scheduled faults; consumed in insertion order. */
export class FaultSchedule {
  #queue: Scheduled[] = [];

  /** Schedules a fault. */
  add(spec: FaultSpec): void {
    this.#queue.push({
      match: { path: spec.path, method: spec.method?.toUpperCase() },
      remaining: Math.max(1, spec.times ?? 1),
      fault: normalize(spec),
    });
  }

  /** Removes every scheduled fault. */
  clear(): void {
    this.#queue = [];
  }

  /** The fault for this request, if one is scheduled (and counts it as used). */
  take(method: string, path: string): FaultKind | undefined {
    if (this.#queue.length === 0) return undefined;
    for (let i = 0; i < this.#queue.length; i++) {
      const entry = this.#queue[i] as Scheduled;
      const { match } = entry;
      if (match.method && match.method !== method) continue;
      if (match.path && !(path === match.path || path.startsWith(match.path))) continue;
      entry.remaining--;
      if (entry.remaining <= 0) this.#queue.splice(i, 1);
      return entry.fault;
    }
    return undefined;
  }
}

function parseParams(text: string): { params: Map<string, string>; message?: string } {
  const params = new Map<string, string>();
  // `message=` takes the rest of the line so messages may contain spaces.
  const messageAt = text.search(/(^|\s|;)message=/);
  let message: string | undefined;
  let head = text;
  if (messageAt >= 0) {
    const start = text.indexOf("message=", messageAt) + "message=".length;
    message = text.slice(start).trim();
    head = text.slice(0, messageAt);
  }
  for (const token of head.split(/[\s;,]+/)) {
    const eq = token.indexOf("=");
    if (eq > 0) params.set(token.slice(0, eq).toLowerCase(), token.slice(eq + 1));
  }
  return message === undefined ? { params } : { params, message };
}

function intParam(
  params: Map<string, string>,
  key: string,
  fallback: number,
  max?: number,
): number {
  const value = Number(params.get(key));
  const whole = Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
  return max === undefined ? whole : Math.min(whole, max);
}

/** The longest delay a header may ask for: longer waits would only hold a socket open. */
export const MAX_HEADER_DELAY_MS = 60_000;

/** How many distinct `times=N` header values are remembered (oldest forgotten first). */
const MAX_COUNTED_HEADERS = 10_000;

/**
 * Applies a `times=N` parameter of an `x-emulator-fault` header: the fault hits the first N
 * requests carrying exactly this header value, and later ones (a client's retries of the same
 * request) are served normally. Without `times=` the fault hits every request carrying it.
 * `uses` counts per header value; `undefined` means "no fault this time".
 */
export function takeHeaderFault(
  fault: FaultKind,
  header: string,
  uses: Map<string, number>,
): FaultKind | undefined {
  const trimmed = header.trim();
  const kindEnd = trimmed.search(/[\s;]/);
  const { params } = parseParams(kindEnd < 0 ? "" : trimmed.slice(kindEnd + 1));
  if (!params.has("times")) return fault;
  const times = intParam(params, "times", 1);
  const used = uses.get(header) ?? 0;
  if (used >= times) return undefined;
  uses.set(header, used + 1);
  if (uses.size > MAX_COUNTED_HEADERS) {
    const oldest = uses.keys().next().value;
    if (oldest !== undefined) uses.delete(oldest);
  }
  return fault;
}

/**
 * Parses the `x-emulator-fault` header: `error status=503 type=x message=...`, `delay ms=300`,
 * `slow ms=40`, `cut after=3`, `malformed after=2` (delays capped at {@link MAX_HEADER_DELAY_MS};
 * `times=N`, see {@link takeHeaderFault}). Unknown kinds are ignored.
 */
export function parseFaultHeader(value: string): FaultKind | undefined {
  const trimmed = value.trim();
  const kindEnd = trimmed.search(/[\s;]/);
  const kind = (kindEnd < 0 ? trimmed : trimmed.slice(0, kindEnd)).toLowerCase();
  const { params, message } = parseParams(kindEnd < 0 ? "" : trimmed.slice(kindEnd + 1));
  switch (kind) {
    case "error":
      return {
        kind: "error",
        status: intParam(params, "status", 500),
        type: params.get("type") ?? "server_error",
        message: message ?? "Internal server error",
      };
    case "delay":
      return { kind: "delay", ms: intParam(params, "ms", 100, MAX_HEADER_DELAY_MS) };
    case "slow":
    case "slow-stream":
      return { kind: "slow-stream", ms: intParam(params, "ms", 20, MAX_HEADER_DELAY_MS) };
    case "cut":
      return { kind: "cut", afterChunks: intParam(params, "after", 1) };
    case "malformed":
      return { kind: "malformed", afterChunks: intParam(params, "after", 1) };
    default:
      return undefined;
  }
}
