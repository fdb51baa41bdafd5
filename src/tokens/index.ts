/** Token estimation (local), counting (service) and the context-window check. */
export * from "./context-check.ts";
export * from "./estimate-cache.ts";
export * from "./local-estimator.ts";
export * from "./pre-send-estimate.ts";
export * from "./prompt-token-bound.ts";
export * from "./token-counter.ts";
