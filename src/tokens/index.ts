/** Token estimation (local), counting (service) and the context-window check. */
export * from "./context-check.ts";
export * from "./local-estimator.ts";
export * from "./token-counter.ts";
