/**
 * kimi-provider: Moonshot's Kimi models from TypeScript.
 * @packageDocumentation
 */
export * from "./chat/index.ts";
export * from "./client.ts";
export * from "./config/config.ts";
export * from "./cost/index.ts";
export * from "./errors/error-classes.ts";
export * from "./errors/error-mapping.ts";
export * from "./errors/kimi-error.ts";
export * from "./errors/redact.ts";
export * from "./files/index.ts";
export * from "./http/retry-policy.ts";
export * from "./http/transport.ts";
export * from "./models/index.ts";
export * from "./tokens/index.ts";
export * from "./tools/index.ts";
