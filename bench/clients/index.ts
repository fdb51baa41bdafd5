/**
 * The benchmarked clients in report order (baseline first). Each is created lazily and
 * separately, so one that cannot load becomes a failed row with its reason, not a crash.
 */
import type { BenchClient } from "./client.ts";

/** Identifiers of the clients, the floors first. */
export const CLIENT_IDS = [
  "node-http",
  "undici",
  "raw",
  "kimi",
  "openai",
  "ai-sdk",
  "ai-sdk-kimi",
] as const;
/** One client identifier. */
export type ClientId = (typeof CLIENT_IDS)[number];

/** Display names, also used when a client fails to load. */
export const CLIENT_NAMES: Record<ClientId, string> = {
  "node-http": "node:http (floor)",
  undici: "undici.request + Pool (floor)",
  raw: "raw fetch",
  kimi: "kimi-provider",
  openai: "openai SDK",
  "ai-sdk": "AI SDK + @ai-sdk/moonshotai",
  "ai-sdk-kimi": "AI SDK + kimi-provider/ai-sdk",
};

/** A client that loaded, or why it did not. */
export type LoadedClient =
  | { id: ClientId; name: string; client: BenchClient }
  | { id: ClientId; name: string; error: string };

/** Loads one client by id; peers are imported only when asked for. */
async function createClient(id: ClientId, baseURL: string): Promise<BenchClient> {
  switch (id) {
    case "node-http":
      return (await import("./node-http.ts")).createNodeHttpClient(
        baseURL,
        CLIENT_NAMES["node-http"],
      );
    case "undici":
      return (await import("./undici-pool.ts")).createUndiciClient(baseURL, CLIENT_NAMES.undici);
    case "raw":
      return (await import("./raw-fetch.ts")).createRawFetchClient(baseURL, CLIENT_NAMES.raw);
    case "kimi":
      return (await import("./kimi-provider.ts")).createKimiProviderClient(baseURL);
    case "openai":
      return (await import("./openai-sdk.ts")).createOpenAIClient(baseURL);
    case "ai-sdk":
      return (await import("./ai-sdk.ts")).createAiSdkClient(baseURL);
    case "ai-sdk-kimi":
      return (await import("./ai-sdk-kimi.ts")).createAiSdkKimiClient(baseURL);
  }
}

/** Loads the given clients, turning load failures into error entries. */
export async function loadClients(
  ids: readonly ClientId[],
  baseURL: string,
): Promise<LoadedClient[]> {
  const loaded: LoadedClient[] = [];
  for (const id of ids) {
    try {
      loaded.push({ id, name: CLIENT_NAMES[id], client: await createClient(id, baseURL) });
    } catch (error) {
      loaded.push({ id, name: CLIENT_NAMES[id], error: describeError(error) });
    }
  }
  return loaded;
}

/** One line saying why something failed (message plus cause, no stack). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : "";
  return `${error.name}: ${error.message}${cause}`.replace(/\s+/g, " ").slice(0, 300);
}
