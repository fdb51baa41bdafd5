/** The header every benchmark report carries: which machine, which Node, which counts. */
import os from "node:os";

/** Where and with what the benchmark ran. */
export interface MachineInfo {
  cpuModel: string;
  cpus: number;
  totalMemoryMiB: number;
  platform: string;
  arch: string;
  node: string;
  date: string;
}

/** Reads the machine description of the current process. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cpus: os.availableParallelism(),
    totalMemoryMiB: Math.round(os.totalmem() / 1024 / 1024),
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    node: process.version,
    date: new Date().toISOString(),
  };
}
