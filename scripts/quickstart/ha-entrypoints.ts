// Whether every live app instance's entrypoint is connected to some replica. Each replica knows only the sessions
// it holds, so the HA quickstart asks all of them (over the Connect JSON API, with an admin token).
import { setTimeout as sleep } from "node:timers/promises";

type Db = import("./start-ha-stack.js").HaStack["db"];

interface ListedInstance {
  id: string;
  connected?: boolean;
}

async function connectedOn(apiUrl: string, token: string, deploymentId: string): Promise<Set<string>> {
  const res = await fetch(`${apiUrl}/berth.v1.DeploymentService/ListInstances`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ deploymentId }),
    signal: AbortSignal.timeout(3_000),
  });
  if (!res.ok) return new Set();
  const body = (await res.json()) as { instances?: ListedInstance[] };
  return new Set((body.instances ?? []).filter((i) => i.connected).map((i) => i.id));
}

/**
 * Waits until each starting or running instance has its entrypoint connected to one of `apiUrls` (an app serves
 * before its entrypoint dials in; the terminal needs the entrypoint). Resolves false if some are out after `timeoutMs`.
 */
export async function waitForHaEntrypoints(
  db: Db,
  apiUrls: string[],
  token: string,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const live = await db
      .selectFrom("instances")
      .select(["id", "deployment_id"])
      .where("state", "in", ["starting", "running"])
      .execute();
    const connected = new Set<string>();
    for (const deploymentId of new Set(live.map((i) => i.deployment_id)))
      for (const apiUrl of apiUrls)
        for (const id of await connectedOn(apiUrl, token, deploymentId).catch(() => new Set<string>()))
          connected.add(id);
    if (live.every((i) => connected.has(i.id))) return true;
    if (Date.now() > deadline) return false;
    await sleep(250);
  }
}
