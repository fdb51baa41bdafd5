/**
 * kimi-provider: Moonshot's Kimi models from TypeScript.
 * @packageDocumentation
 */
export * from "./client.ts";
export * from "./config/config.ts";
export * from "./http/error-mapping.ts";
export * from "./http/errors.ts";
export * from "./http/redact.ts";
export * from "./http/retry-policy.ts";
export * from "./http/transport.ts";
export * from "./models/catalog.ts";
export * from "./models/model-info.ts";
export * from "./tokens/local-estimator.ts";
