/** Usage extraction, pricing and the session ledger. */
export * from "./ledger.ts";
export * from "./pricing.ts";
export * from "./usage.ts";
