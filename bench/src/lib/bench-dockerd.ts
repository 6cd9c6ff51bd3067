// A Docker engine for the bench: the CLI tests' private dockerd (own socket and temp state, no bridge, no
// iptables, host networking only) with their base image of this machine's node, plus the engine's own memory.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  importNodeBaseImage,
  startTestDockerd,
  type TestDockerd,
} from "../../../apps/cli/test/helpers/test-dockerd.js";
import { parseStatusBytes } from "./proc-memory.js";

/** Resident memory of the engine's processes in bytes: dockerd, its containerd, and the per-container shims. */
export interface EngineRss {
  dockerd: number;
  containerd: number;
  shims: number;
  shimCount: number;
}

export interface BenchDockerd extends TestDockerd {
  /** The imported base image (node + its libraries + sh). */
  image: string;
  engineRss(): EngineRss;
}

/** Starts the engine and imports the base image; throws (with dockerd's own log) when it cannot start. */
export async function startBenchDockerd(): Promise<BenchDockerd> {
  const d = await startTestDockerd();
  try {
    const image = await importNodeBaseImage(d.docker, "berth-bench/node", "1");
    // The helper keeps state in the socket's directory: everything of this engine names it on its command line.
    const dir = dirname(d.socket);
    return { ...d, image, engineRss: () => engineRssOf(dir) };
  } catch (err) {
    await d.stop();
    throw err;
  }
}

function engineRssOf(dir: string): EngineRss {
  const out: EngineRss = { dockerd: 0, containerd: 0, shims: 0, shimCount: 0 };
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (!readFileSync(`/proc/${name}/cmdline`, "utf8").includes(`${dir}/`)) continue;
      const comm = readFileSync(`/proc/${name}/comm`, "utf8").trim();
      const rss = parseStatusBytes(readFileSync(join("/proc", name, "status"), "utf8")) ?? 0;
      if (comm === "dockerd") out.dockerd += rss;
      else if (comm.startsWith("containerd-shim")) {
        out.shims += rss;
        out.shimCount++;
      } else if (comm === "containerd") out.containerd += rss;
    } catch {
      // ended between the listing and the reads
    }
  }
  return out;
}
