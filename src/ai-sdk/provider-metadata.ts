/**
 * `providerMetadata.kimi` of a result: what the library knows that the specification has no field
 * for. Cost is the catalog's price of the usage (cache hits at the cache-hit price, each
 * `$web_search` at its fee), summed over every request the call made.
 */
import type { SharedV4ProviderMetadata } from "@ai-sdk/provider";
import { KIMI_PROVIDER_KEY } from "./provider-options.ts";

/** The content of `providerMetadata.kimi`. */
export interface KimiProviderMetadata {
  /** USD, from the catalog's prices; `null` when a price is unknown (an unlisted model). */
  costUsd: number | null;
  /** Prompt tokens served from the automatic cache (billed at the cache-hit price); `null` when the service reported no usage. */
  cachedTokens: number | null;
  /** `Msh-Request-Id` of the (last) response, to quote to Moonshot support; `null` if none. */
  requestId: string | null;
  /** The model that answered, as the service named it (may differ from the id asked for). */
  model: string;
  /** `$web_search` calls the service ran during the call (each is billed). */
  webSearchCalls: number;
}

/** Wraps `metadata` under the provider key. */
export function providerMetadata(metadata: KimiProviderMetadata): SharedV4ProviderMetadata {
  return { [KIMI_PROVIDER_KEY]: { ...metadata } };
}
