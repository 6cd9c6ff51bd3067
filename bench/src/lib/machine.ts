// The conditions every figure is measured under.
import { cpus, loadavg, totalmem } from "node:os";

export interface Machine {
  cpus: number;
  model: string;
  memGiB: number;
  node: string;
  loadAvg1m: number;
}

/** What this machine is right now (load average included: the machine is shared and noisy). */
export function machine(): Machine {
  return {
    cpus: cpus().length,
    model: cpus()[0]?.model.trim() ?? "",
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAvg1m: Math.round((loadavg()[0] ?? 0) * 10) / 10,
  };
}
