/**
 * `kimi-provider/ai-sdk`: Kimi for the Vercel AI SDK (`ai` 7, language model specification v4).
 * Needs the optional peer dependencies `ai` and `@ai-sdk/provider`; importing `kimi-provider`
 * alone never loads them.
 * @packageDocumentation
 */
export { KIMI_CHAT_PROVIDER, KimiChatLanguageModel } from "./language-model.ts";
export { WEB_SEARCH_PROVIDER_TOOL_ID } from "./prepare-tools.ts";
export {
  createKimiProvider,
  type KimiModelId,
  type KimiProvider,
  type KimiProviderOptions,
  kimi,
} from "./provider.ts";
export type { KimiProviderMetadata } from "./provider-metadata.ts";
export { KIMI_PROVIDER_KEY, type KimiLanguageModelOptions } from "./provider-options.ts";
