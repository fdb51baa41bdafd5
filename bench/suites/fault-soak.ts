/**
 * Suite 6 (child process, `--expose-gc`): the fault soak at full size (bench/lib/fault-soak.ts)
 * against the BUILT package and emulator (`dist/`), with heap readings after a full GC along the
 * way: every promise settled, every failure typed as its fault calls for, no wrong text, no
 * request re-sent after response bytes arrived, and a heap that flattens.
 */

import { childInput, runSuite } from "../lib/child.ts";
import {
  runFaultSoak,
  type SoakEmulator,
  type SoakLibrary,
  type SoakReport,
} from "../lib/fault-soak.ts";

/** Input from the orchestrator. */
export interface FaultSoakInput {
  requests: number;
  concurrency: number;
  faultRate: number;
  heapEvery: number;
}

/** The soak's report plus the heap growth over its second half. */
export interface FaultSoakResult extends SoakReport {
  /** Heap used, last reading minus the one halfway (MiB): near zero when the heap is flat. */
  heapGrowthSecondHalfMiB: number;
}

const LIBRARY_ENTRY = new URL("../../dist/kimi-provider.js", import.meta.url);
const EMULATOR_ENTRY = new URL("../../dist/emulator/index.js", import.meta.url);

async function main(): Promise<FaultSoakResult> {
  const input = childInput<FaultSoakInput>();
  const library = (await import(LIBRARY_ENTRY.href)) as SoakLibrary;
  const emulator = (await import(EMULATOR_ENTRY.href)) as SoakEmulator;
  if (typeof library.createKimi !== "function" || typeof emulator.startEmulator !== "function") {
    throw new Error("dist/ lacks createKimi or startEmulator (run `npm run build`)");
  }
  const report = await runFaultSoak(library, emulator, input);
  const heap = report.heapMiB;
  const half = heap[Math.floor((heap.length - 1) / 2)];
  const last = heap[heap.length - 1];
  return {
    ...report,
    // Only the first lines: the report is for reading, the test asserts on every one.
    problems: report.problems.slice(0, 20),
    heapGrowthSecondHalfMiB:
      half === undefined || last === undefined ? Number.NaN : Math.round((last - half) * 10) / 10,
  };
}

runSuite(main);
