/**
 * The Moonshot (Kimi) API emulator: a loopback server that answers like
 * `https://api.moonshot.ai/v1` (see docs/emulator.md).
 */
export type { Lineup } from "../models/lineup.ts";
export type { FaultKind, FaultMatch, FaultSpec } from "./faults.ts";
/** The files the emulator stores, as its API returns them; a `FileObject` of kimi-provider. */
export type { FileObject as EmulatorFileObject } from "./file-store.ts";
export type { RecordedRequest } from "./request-log.ts";
export type {
  EmulatorBalance,
  EmulatorLimits,
  EmulatorOptions,
  RunningEmulator,
} from "./server.ts";
export { startEmulator } from "./server.ts";
