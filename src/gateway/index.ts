/**
 * `kimi-provider/gateway`: a local OpenAI-compatible HTTP server that makes every request right
 * for Kimi on the way through (docs/gateway.md).
 */
export type { ClientIdentity } from "./access-control.ts";
export type { GatewayErrorBody } from "./error-envelope.ts";
export type { GatewayConfig, GatewayConfigInput, RepairSwitches } from "./gateway-config.ts";
export { DEFAULT_GATEWAY_CONFIG, resolveGatewayConfig } from "./gateway-config.ts";
export type { GatewayOptions, RunningGateway } from "./gateway-server.ts";
export { DEFAULT_GATEWAY_PORT, startGateway } from "./gateway-server.ts";
export type { GatewayKey, NewKeyOptions } from "./key-store.ts";
export { createGatewayKey, listGatewayKeys, revokeGatewayKey } from "./key-store.ts";
export type { DatabaseChoice } from "./open-database.ts";
export { openGatewayDatabase } from "./open-database.ts";
export type { SqlDatabase, SqlExecutor, SqlRow } from "./sql-database.ts";
export type { LedgerRow } from "./usage-ledger.ts";
export { LOOPBACK_KEY_ID, readLedger } from "./usage-ledger.ts";
