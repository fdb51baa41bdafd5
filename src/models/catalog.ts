/**
 * The model catalog: one typed table of every Kimi model kimi-provider knows, with prices in USD
 * per million tokens. Seed models carry the seed document's numbers (issue #2 asks for them);
 * where the API reference disagrees, `notes` says so. Users override or extend this table through
 * `createKimi({ models })`; nothing else in the library hard-codes a model id.
 */
import type { ModelCapabilities, ModelInfo } from "./model-info.ts";

const SEED = "seed kimi-provider.md v1.1 (2025-10-03)";
const SEED_AS_OF = "2025-10-03";

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

/** The built-in catalog, newest families last. */
export const MODEL_CATALOG: readonly ModelInfo[] = [
  {
    id: "kimi-k2-0905-preview",
    description: "Kimi K2 (Sep 2025), 1T/32B MoE; coding, tool calling, agentic work.",
    contextWindow: 262_144,
    pricing: { inputCacheHit: 0.15, inputCacheMiss: 0.6, output: 2.5 },
    capabilities: K2,
    sampling: "k2",
    status: "recommended",
    defaultMaxTokens: 1024,
    source: `${SEED}; reference §7 (doc:pricing Mar 2026)`,
    asOf: SEED_AS_OF,
    notes:
      "Reported discontinued for some accounts in 2026 (reference §7): availability is account-dependent.",
  },
  {
    id: "kimi-k2-0711-preview",
    description: "Original Kimi K2 (Jul 2025).",
    contextWindow: 131_072,
    pricing: { inputCacheHit: 0.15, inputCacheMiss: 0.6, output: 2.5 },
    capabilities: K2,
    sampling: "k2",
    status: "legacy",
    defaultMaxTokens: 1024,
    source: `${SEED}; reference §7`,
    asOf: SEED_AS_OF,
  },
  {
    id: "kimi-k2-turbo-preview",
    description: "Fast Kimi K2 (60-100 tokens/s), same capabilities as K2.",
    contextWindow: 262_144,
    pricing: { inputCacheHit: 0.6, inputCacheMiss: 2.4, output: 10 },
    capabilities: K2,
    sampling: "k2",
    status: "recommended",
    defaultMaxTokens: 1024,
    source: SEED,
    asOf: SEED_AS_OF,
    notes:
      "The API reference (§7, third-party gateway docs) lists 0.15 / 1.15 / 8.00 instead; the seed's prices are kept. Override with createKimi({ models }) if your invoice differs.",
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
    status: "legacy",
    source: `${SEED} (context); reference §7 doc:pricing 2025 (price)`,
    asOf: "2025-10-03",
    notes: "No cache price: every input token is billed at 30 USD/M.",
  },
  {
    id: "moonshot-v1-8k",
    description: "Legacy moonshot-v1, 8K context.",
    contextWindow: 8_192,
    pricing: { inputCacheHit: null, inputCacheMiss: 0.2, output: 2 },
    capabilities: TEXT_CHAT,
    sampling: "moonshot-v1",
    status: "legacy",
    defaultMaxTokens: 1024,
    source: `${SEED}; reference §7 doc:pricing (2025 & Mar 2026)`,
    asOf: "2026-03-26",
  },
  {
    id: "moonshot-v1-32k",
    description: "Legacy moonshot-v1, 32K context.",
    contextWindow: 32_768,
    pricing: { inputCacheHit: null, inputCacheMiss: 1, output: 3 },
    capabilities: TEXT_CHAT,
    sampling: "moonshot-v1",
    status: "legacy",
    defaultMaxTokens: 1024,
    source: `${SEED}; reference §7 doc:pricing (2025 & Mar 2026)`,
    asOf: "2026-03-26",
  },
  {
    id: "moonshot-v1-128k",
    description: "Legacy moonshot-v1, 128K context (superseded by K2).",
    contextWindow: 131_072,
    pricing: { inputCacheHit: null, inputCacheMiss: 2, output: 5 },
    capabilities: TEXT_CHAT,
    sampling: "moonshot-v1",
    status: "legacy",
    defaultMaxTokens: 1024,
    source: `${SEED}; reference §7 doc:pricing (2025 & Mar 2026)`,
    asOf: "2026-03-26",
  },
  {
    id: "moonshot-v1-auto",
    description: "Routes to moonshot-v1-8k/32k/128k by prompt size; billed as routed.",
    contextWindow: 131_072,
    pricing: { inputCacheHit: null, inputCacheMiss: 2, output: 5 },
    capabilities: TEXT_CHAT,
    sampling: "moonshot-v1",
    status: "legacy",
    defaultMaxTokens: 1024,
    source: "reference §7 (doc:chat model list)",
    asOf: "2026-03-26",
    notes: "Priced here at the 128k tier (the upper bound); the real charge depends on routing.",
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
      status: "legacy",
      defaultMaxTokens: 1024,
      source: "reference §7 (doc:pricing)",
      asOf: "2026-03-26",
    }),
  ),
  {
    id: "kimi-latest",
    description: "Tracks the consumer Kimi model; vision; automatic caching.",
    contextWindow: 131_072,
    pricing: { inputCacheHit: 0.15, inputCacheMiss: 2, output: 5 },
    capabilities: { ...TEXT_CHAT, imageInput: true, automaticCaching: true },
    sampling: "moonshot-v1",
    status: "legacy",
    source: "reference §7 (doc:pricing 2025)",
    asOf: "2025-10-03",
    notes:
      "Billed by prompt size tier (8k: 0.20/2.00, 32k: 1.00/3.00, 128k: 2.00/5.00); priced here at the 128k tier. Reported discontinued in 2026.",
  },
  {
    id: "kimi-k2-thinking",
    description: "K2 that always reasons (Nov 2025).",
    contextWindow: 262_144,
    pricing: { inputCacheHit: 0.15, inputCacheMiss: 0.6, output: 2.5 },
    capabilities: K2_THINKING,
    sampling: "k2-thinking",
    status: "retired",
    source: "reference §7 (lavapayments docs; benchable.ai)",
    asOf: "2026-08-01",
    notes: 'Reported "no longer served" by Aug 2026 (vercel b283a6f).',
  },
  {
    id: "kimi-k2-thinking-turbo",
    description: "Fast K2 thinking model (Nov 2025).",
    contextWindow: 262_144,
    pricing: { inputCacheHit: 0.15, inputCacheMiss: 1.15, output: 8 },
    capabilities: K2_THINKING,
    sampling: "k2-thinking",
    status: "legacy",
    source: "reference §7 (lavapayments docs)",
    asOf: "2026-03-26",
  },
  {
    id: "kimi-k2.5",
    description: "K2.5 (Jan 2026): image and video input, thinking on by default, fixed sampling.",
    contextWindow: 262_144,
    pricing: { inputCacheHit: 0.1, inputCacheMiss: 0.6, output: 3 },
    capabilities: MULTIMODAL_THINKING,
    sampling: "fixed",
    status: "current",
    defaultMaxTokens: 32_768,
    source: "reference §7 (doc:pricing, Mar 2026 archive); doc:k25",
    asOf: "2026-03-26",
    notes: "Rejects thinking.keep with a 400. $web_search needs thinking disabled.",
  },
  {
    id: "kimi-k2.6",
    description: "K2.6 (Apr 2026): Preserved Thinking (thinking.keep), image and video input.",
    contextWindow: 262_144,
    pricing: { inputCacheHit: 0.16, inputCacheMiss: 0.95, output: 4 },
    capabilities: { ...MULTIMODAL_THINKING, thinkingKeep: true },
    sampling: "fixed",
    status: "recommended",
    defaultMaxTokens: 32_768,
    source: "reference §7 (docs.openclaw.ai; apiyi launch note)",
    asOf: "2026-04-20",
  },
  {
    id: "kimi-k2.7-code",
    description: "K2.7 tuned for coding (Jun 2026).",
    contextWindow: 262_144,
    pricing: { inputCacheHit: 0.19, inputCacheMiss: 0.95, output: 4 },
    capabilities: { ...MULTIMODAL_THINKING, thinkingKeep: true },
    sampling: "fixed",
    status: "current",
    defaultMaxTokens: 32_768,
    source: "reference §7 (developer.puter.com pricing, third party)",
    asOf: "2026-06-30",
    notes: "Third-party prices; whether thinking can be disabled is uncertain.",
  },
  {
    id: "kimi-k2.7-code-highspeed",
    description: "High-speed K2.7 code model (~180 tokens/s, uncertain).",
    contextWindow: 262_144,
    pricing: { inputCacheHit: 0.19, inputCacheMiss: 0.95, output: 4 },
    capabilities: { ...MULTIMODAL_THINKING, thinkingKeep: true },
    sampling: "fixed",
    status: "current",
    defaultMaxTokens: 32_768,
    source: "reference §7 (third party)",
    asOf: "2026-06-30",
    notes: "Prices are third-party and uncertain.",
  },
  {
    id: "kimi-k3",
    description: "K3 (Jul 2026): always reasons, reasoning_effort, accepts tool_choice required.",
    contextWindow: 1_048_576,
    pricing: { inputCacheHit: null, inputCacheMiss: null, output: null },
    capabilities: {
      ...MULTIMODAL_THINKING,
      thinking: "always",
      thinkingKeep: true,
      toolChoiceRequired: true,
    },
    sampling: "fixed",
    status: "current",
    defaultMaxTokens: 131_072,
    source: "reference §7 (vercel 341616a, b283a6f; Kimi Code /models fixtures)",
    asOf: "2026-09-01",
    notes:
      "No public price found: costs show as unknown until you set one with createKimi({ models }). Context window seen on Kimi Code; the platform value is uncertain.",
  },
];

/** The model used when neither `KIMI_DEFAULT_MODEL` nor an option names one. */
export const DEFAULT_MODEL_ID = "kimi-k2-0905-preview";

/** Fee for one `$web_search` call, USD (reference §2.5; a help-center page says 0.004). */
export const WEB_SEARCH_FEE_USD = 0.005;

/** Finds a model of the built-in catalog by id. */
export function findCatalogModel(id: string): ModelInfo | undefined {
  return MODEL_CATALOG.find((model) => model.id === id);
}
