/** The model catalog, registry (overrides, refresh) and request policy. */
export * from "./catalog.ts";
export * from "./model-info.ts";
export { THINKING_MIN_OUTPUT_TOKENS } from "./policy/output-cap.ts";
export { FIXED_TEMPERATURE, FIXED_TOP_P, REASONING_EFFORTS } from "./policy/sampling-rules.ts";
export * from "./policy.ts";
export * from "./registry.ts";
export * from "./remote-models.ts";
export { explainRetiredModel, retirementAdvice } from "./retired-model.ts";
