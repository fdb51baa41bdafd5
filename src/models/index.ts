/** The model catalog, registry (overrides, refresh) and request policy. */
export * from "./catalog.ts";
export * from "./model-info.ts";
export * from "./policy.ts";
export * from "./registry.ts";
export * from "./remote-models.ts";
export { explainRetiredModel, retirementAdvice } from "./retired-model.ts";
