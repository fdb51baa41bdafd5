/**
 * The model catalog: one typed table of every Kimi model kimi-provider knows, with prices in USD
 * per million tokens, each row with its source and the day it was checked. Retired models stay in
 * the table (with the seed document's prices and windows where the seed listed them) so that old
 * logs and invoices can still be priced, and so that a 404 for them can name the successor.
 * Users override or extend this table through `createKimi({ models })`; nothing else in the
 * library hard-codes a model id. The lineup as of September 2026 is in docs/moonshot-wire.md.
 */
import type { ModelCapabilities, ModelInfo } from "./model-info.ts";

const SEED = "seed kimi-provider.md v1.1 (2025-10-03)";
/** Platform docs digest and recorded traffic of September 2026 (docs/moonshot-wire.md). */
const DOCS_2026 = "platform.kimi.com docs (fetched 2026-09-03); recorded traffic 2026";
const DOCS_2026_AS_OF = "2026-09-03";
/** Published price pages as quoted by public pricing databases, July-August 2026. */
const PRICES_2026 = "published price pages, Jul-Aug 2026";

const TEXT_CHAT: ModelCapabilities = {
  tools: true,
  jsonMode: true,
  jsonSchema: false,
  partial: true,
  imageInput: false,
  videoInput: false,
  thinking: "none",
  thinkingKeep: false,
  toolChoiceRequired: false,
  webSearch: true,
  automaticCaching: false,
  reasoningEfforts: [],
  logprobs: true,
  logitBias: true,
};

const K2: ModelCapabilities = { ...TEXT_CHAT, jsonSchema: true, automaticCaching: true };

const K2_THINKING: ModelCapabilities = {
  ...K2,
  partial: false,
  thinking: "always",
  webSearch: false,
};

const MULTIMODAL_THINKING: ModelCapabilities = {
  ...K2,
  imageInput: true,
  videoInput: true,
  thinking: "toggle",
  webSearch: true,
};

/** K2.7 code models: always reason (`thinking: disabled` is a 400), keep Preserved Thinking. */
const K27_CODE: ModelCapabilities = {
  ...MULTIMODAL_THINKING,
  thinking: "always",
  thinkingKeep: true,
};

/** Retired 2026-05-25 with the K2 previews (docs: retirement notices). */
const K2_RETIRED = { status: "retired", retiredOn: "2026-05-25", successor: "kimi-k2.6" } as const;
/** Retired 2026-08-31 with moonshot-v1 (docs: retirement notices). */
const V1_RETIRED = { status: "retired", retiredOn: "2026-08-31", successor: "kimi-k2.6" } as const;

/** The built-in catalog: the models online in September 2026 first, then the retired ones. */
export const MODEL_CATALOG: readonly ModelInfo[] = [
  {
    id: "kimi-k2.6",
    description:
      "K2.6 (Apr 2026): thinking on by default and the only online model that can turn it off; Preserved Thinking; image and video input.",
    contextWindow: 262_144,
    pricing: { inputCacheHit: 0.16, inputCacheMiss: 0.95, output: 4 },
    capabilities: { ...MULTIMODAL_THINKING, thinkingKeep: true },
    sampling: "fixed",
    status: "recommended",
    releasedOn: "2026-04-20",
    defaultMaxTokens: 32_768,
    source: `${DOCS_2026}; ${PRICES_2026} (a recorded K2.6 answer's cost checks out)`,
    asOf: DOCS_2026_AS_OF,
  },
  {
    id: "kimi-k3",
    description:
      "K3 (Jul 2026), the flagship: 1M-token window, always reasons, reasoning_effort low/high/max, accepts tool_choice required.",
    contextWindow: 1_048_576,
    pricing: { inputCacheHit: 0.3, inputCacheMiss: 3, output: 15 },
    capabilities: {
      ...MULTIMODAL_THINKING,
      thinking: "always",
      thinkingKeep: true,
      toolChoiceRequired: true,
      reasoningEfforts: ["low", "high", "max"],
      logprobs: false,
      logitBias: false,
    },
    sampling: "fixed",
    status: "current",
    releasedOn: "2026-07-16",
    defaultMaxTokens: 131_072,
    source: `${DOCS_2026}; ${PRICES_2026}`,
    asOf: DOCS_2026_AS_OF,
    notes:
      "Sampling is fixed (temperature 1, top_p 0.95, penalties 0); logprobs and logit_bias are refused. The service's own default output cap is 131,072.",
  },
  {
    id: "kimi-k2.7-code",
    description: "K2.7 tuned for coding (Jun 2026); always reasons.",
    contextWindow: 262_144,
    pricing: { inputCacheHit: 0.19, inputCacheMiss: 0.95, output: 4 },
    capabilities: K27_CODE,
    sampling: "fixed",
    status: "current",
    releasedOn: "2026-06-01",
    defaultMaxTokens: 32_768,
    source: `${DOCS_2026}; ${PRICES_2026}`,
    asOf: DOCS_2026_AS_OF,
    notes: "thinking {type: disabled} is a 400 (recorded). Release day approximate (June 2026).",
  },
  {
    id: "kimi-k2.7-code-highspeed",
    description: "The same model as kimi-k2.7-code at about 180 tokens/s, at twice the price.",
    contextWindow: 262_144,
    pricing: { inputCacheHit: 0.38, inputCacheMiss: 1.9, output: 8 },
    capabilities: K27_CODE,
    sampling: "fixed",
    status: "current",
    releasedOn: "2026-06-01",
    defaultMaxTokens: 32_768,
    source: `${DOCS_2026}; ${PRICES_2026}`,
    asOf: DOCS_2026_AS_OF,
    notes: "Always reasons, like kimi-k2.7-code. Release day approximate (June 2026).",
  },
  {
    id: "kimi-k2.5",
    description: "K2.5 (Jan 2026): image and video input, thinking on by default, fixed sampling.",
    contextWindow: 262_144,
    pricing: { inputCacheHit: 0.1, inputCacheMiss: 0.6, output: 3 },
    capabilities: MULTIMODAL_THINKING,
    sampling: "fixed",
    ...V1_RETIRED,
    releasedOn: "2026-01-27",
    defaultMaxTokens: 32_768,
    source: `doc:pricing (Mar 2026 archive); doc:k25; retirement: ${DOCS_2026}`,
    asOf: DOCS_2026_AS_OF,
    notes: "Rejected thinking.keep with a 400. $web_search needed thinking disabled.",
  },
  {
    id: "kimi-k2-0905-preview",
    description: "Kimi K2 (Sep 2025), 1T/32B MoE; the seed's default.",
    contextWindow: 262_144,
    pricing: { inputCacheHit: 0.15, inputCacheMiss: 0.6, output: 2.5 },
    capabilities: K2,
    sampling: "k2",
    ...K2_RETIRED,
    releasedOn: "2025-09-05",
    defaultMaxTokens: 1024,
    source: `${SEED}; retirement: ${DOCS_2026}`,
    asOf: DOCS_2026_AS_OF,
  },
  {
    id: "kimi-k2-0711-preview",
    description: "Original Kimi K2 (Jul 2025).",
    contextWindow: 131_072,
    pricing: { inputCacheHit: 0.15, inputCacheMiss: 0.6, output: 2.5 },
    capabilities: K2,
    sampling: "k2",
    ...K2_RETIRED,
    releasedOn: "2025-07-11",
    defaultMaxTokens: 1024,
    source: `${SEED}; retirement: ${DOCS_2026}`,
    asOf: DOCS_2026_AS_OF,
  },
  {
    id: "kimi-k2-turbo-preview",
    description: "Fast Kimi K2 (60-100 tokens/s), same capabilities as K2.",
    contextWindow: 262_144,
    pricing: { inputCacheHit: 0.6, inputCacheMiss: 2.4, output: 10 },
    capabilities: K2,
    sampling: "k2",
    ...K2_RETIRED,
    releasedOn: "2025-08-01",
    defaultMaxTokens: 1024,
    source: `${SEED}; retirement: ${DOCS_2026}`,
    asOf: DOCS_2026_AS_OF,
    notes:
      "Third-party gateway docs list 0.15 / 1.15 / 8.00 instead; the seed's prices are kept. Release day approximate (Aug-Sep 2025). For speed on code today: kimi-k2.7-code-highspeed.",
  },
  {
    id: "kimi-thinking-preview",
    description:
      "First thinking model (2025): reasoning_content, no tools, JSON mode or partial mode.",
    contextWindow: 131_072,
    pricing: { inputCacheHit: null, inputCacheMiss: 30, output: 30 },
    capabilities: {
      ...TEXT_CHAT,
      tools: false,
      jsonMode: false,
      partial: false,
      webSearch: false,
      thinking: "always",
    },
    sampling: "k2-thinking",
    status: "retired",
    retiredOn: "2025-11-11",
    successor: "kimi-k3",
    releasedOn: "2025-03-01",
    source: `${SEED} (context); doc:pricing 2025 (price); retirement: ${DOCS_2026}`,
    asOf: DOCS_2026_AS_OF,
    notes:
      "No cache price: every input token was billed at 30 USD/M. Release day approximate (early 2025).",
  },
  {
    id: "moonshot-v1-8k",
    description: "Legacy moonshot-v1, 8K context.",
    contextWindow: 8_192,
    pricing: { inputCacheHit: null, inputCacheMiss: 0.2, output: 2 },
    capabilities: TEXT_CHAT,
    sampling: "moonshot-v1",
    ...V1_RETIRED,
    releasedOn: "2023-10-09",
    defaultMaxTokens: 1024,
    source: `${SEED}; doc:pricing (2025 & Mar 2026); retirement: ${DOCS_2026}`,
    asOf: DOCS_2026_AS_OF,
  },
  {
    id: "moonshot-v1-32k",
    description: "Legacy moonshot-v1, 32K context.",
    contextWindow: 32_768,
    pricing: { inputCacheHit: null, inputCacheMiss: 1, output: 3 },
    capabilities: TEXT_CHAT,
    sampling: "moonshot-v1",
    ...V1_RETIRED,
    releasedOn: "2023-10-09",
    defaultMaxTokens: 1024,
    source: `${SEED}; doc:pricing (2025 & Mar 2026); retirement: ${DOCS_2026}`,
    asOf: DOCS_2026_AS_OF,
  },
  {
    id: "moonshot-v1-128k",
    description: "Legacy moonshot-v1, 128K context.",
    contextWindow: 131_072,
    pricing: { inputCacheHit: null, inputCacheMiss: 2, output: 5 },
    capabilities: TEXT_CHAT,
    sampling: "moonshot-v1",
    ...V1_RETIRED,
    releasedOn: "2023-10-09",
    defaultMaxTokens: 1024,
    source: `${SEED}; doc:pricing (2025 & Mar 2026); retirement: ${DOCS_2026}`,
    asOf: DOCS_2026_AS_OF,
  },
  {
    id: "moonshot-v1-auto",
    description: "Routed to moonshot-v1-8k/32k/128k by prompt size; billed as routed.",
    contextWindow: 131_072,
    pricing: { inputCacheHit: null, inputCacheMiss: 2, output: 5 },
    capabilities: TEXT_CHAT,
    sampling: "moonshot-v1",
    ...V1_RETIRED,
    releasedOn: "2024-06-01",
    defaultMaxTokens: 1024,
    source: `doc:chat model list; retirement: ${DOCS_2026}`,
    asOf: DOCS_2026_AS_OF,
    notes:
      "Priced here at the 128k tier (the upper bound); the real charge depended on routing. Release day approximate (2024).",
  },
  ...(["8k", "32k", "128k"] as const).map(
    (size): ModelInfo => ({
      id: `moonshot-v1-${size}-vision-preview`,
      description: `moonshot-v1 ${size} with image input (base64 data URLs).`,
      contextWindow: { "8k": 8_192, "32k": 32_768, "128k": 131_072 }[size],
      pricing: {
        inputCacheHit: null,
        inputCacheMiss: { "8k": 0.2, "32k": 1, "128k": 2 }[size],
        output: { "8k": 2, "32k": 3, "128k": 5 }[size],
      },
      capabilities: { ...TEXT_CHAT, imageInput: true },
      sampling: "moonshot-v1",
      ...V1_RETIRED,
      releasedOn: "2025-01-15",
      defaultMaxTokens: 1024,
      source: `doc:pricing; retirement: ${DOCS_2026}`,
      asOf: DOCS_2026_AS_OF,
      notes: "Release day approximate (January 2025).",
    }),
  ),
  {
    id: "kimi-latest",
    description: "Tracked the consumer Kimi model; vision; automatic caching.",
    contextWindow: 131_072,
    pricing: { inputCacheHit: 0.15, inputCacheMiss: 2, output: 5 },
    capabilities: { ...TEXT_CHAT, imageInput: true, automaticCaching: true },
    sampling: "moonshot-v1",
    status: "retired",
    retiredOn: "2026-01-28",
    successor: "kimi-k2.6",
    releasedOn: "2025-02-17",
    source: `doc:pricing 2025; retirement: ${DOCS_2026}`,
    asOf: DOCS_2026_AS_OF,
    notes:
      "Billed by prompt size tier (8k: 0.20/2.00, 32k: 1.00/3.00, 128k: 2.00/5.00); priced here at the 128k tier. Release day approximate (February 2025).",
  },
  {
    id: "kimi-k2-thinking",
    description: "K2 that always reasons (Nov 2025).",
    contextWindow: 262_144,
    pricing: { inputCacheHit: 0.15, inputCacheMiss: 0.6, output: 2.5 },
    capabilities: K2_THINKING,
    sampling: "k2-thinking",
    ...K2_RETIRED,
    releasedOn: "2025-11-06",
    source: `third-party price pages (lavapayments docs; benchable.ai); retirement: ${DOCS_2026}`,
    asOf: DOCS_2026_AS_OF,
  },
  {
    id: "kimi-k2-thinking-turbo",
    description: "Fast K2 thinking model (Nov 2025).",
    contextWindow: 262_144,
    pricing: { inputCacheHit: 0.15, inputCacheMiss: 1.15, output: 8 },
    capabilities: K2_THINKING,
    sampling: "k2-thinking",
    ...K2_RETIRED,
    releasedOn: "2025-11-06",
    source: `third-party price pages (lavapayments docs); retirement: ${DOCS_2026}`,
    asOf: DOCS_2026_AS_OF,
  },
];

/**
 * The model used when neither `KIMI_DEFAULT_MODEL` nor an option names one. The seed's default
 * (kimi-k2-0905-preview) was retired on 2026-05-25; kimi-k2.6 is its successor and the only
 * online model that can turn thinking off.
 */
export const DEFAULT_MODEL_ID = "kimi-k2.6";
/** Fee for one `$web_search` call, USD (docs/moonshot-wire.md, "Web search"; a help-center page says 0.004). */
export const WEB_SEARCH_FEE_USD = 0.005;

/** Finds a model of the built-in catalog by id. */
export function findCatalogModel(id: string): ModelInfo | undefined {
  return MODEL_CATALOG.find((model) => model.id === id);
}
