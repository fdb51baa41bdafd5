/**
 * kimi-provider: Moonshot's Kimi models from TypeScript.
 * @packageDocumentation
 */
export * from "./chat/index.ts";
export * from "./client.ts";
export * from "./config/config.ts";
export * from "./cost/index.ts";
export * from "./files/index.ts";
export * from "./http/error-mapping.ts";
export * from "./http/errors.ts";
export * from "./http/redact.ts";
export * from "./http/retry-policy.ts";
export * from "./http/transport.ts";
export * from "./models/index.ts";
export * from "./tokens/index.ts";
export * from "./tools/index.ts";
