// Ships one of bench/apps/* with `berth up` and returns where its instances listen.
import { join } from "node:path";
import { HealthState } from "@berth/proto";
import { berthUp, editFile, gitWorkTree, jobSteps, type UpResult } from "./ship.js";
import { type BenchStack, repoRoot } from "./stack.js";

export interface BenchAppDeployment {
  up: UpResult & { wallMs: number };
  deployStepsMs: Record<string, number>;
  appHost: string;
  instancePorts: number[];
  healthy: number;
}

/** `berth up` of bench/apps/`app` with `count` instances (the process platform allows 1-100). */
export async function deployBenchApp(
  stack: BenchStack,
  count: number,
  app: "trivial" | "logger" = "trivial",
): Promise<BenchAppDeployment> {
  const tree = gitWorkTree(join(repoRoot, "bench/apps", app), (dir) =>
    editFile(dir, "berth.hcl", /count\s+=\s+\d+/, `count   = ${count}`),
  );
  try {
    const up = await berthUp(stack, tree.dir);
    const { instances } = await stack.clients.deployments.listInstances({
      deploymentId: up.deploymentId ?? "",
    });
    return {
      up,
      deployStepsMs: up.deployJobId ? await jobSteps(stack, up.deployJobId) : {},
      appHost: new URL(up.appUrl ?? "").host,
      instancePorts: instances.map((i) => i.port).filter((p) => p > 0),
      healthy: instances.filter((i) => i.health === HealthState.HEALTHY).length,
    };
  } finally {
    tree.remove();
  }
}
