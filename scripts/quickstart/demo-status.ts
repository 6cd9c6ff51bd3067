import { request } from "node:http";
import { entrypointRuntime, type RunningServer } from "@berth/server";

type Db = RunningServer["ctx"]["store"]["db"];

export interface DeployedApp {
  project: string;
  app: string;
  deployments: number;
}

/** The app deployed most recently in this data dir, with its deployment count; undefined on a fresh one. */
export async function latestApp(db: Db): Promise<DeployedApp | undefined> {
  const row = await db
    .selectFrom("deployments")
    .innerJoin("applications", "applications.id", "deployments.app_id")
    .select(["applications.id as appId", "applications.project as project", "applications.name as app"])
    .orderBy("deployments.created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  const count = await db
    .selectFrom("deployments")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("app_id", "=", row.appId)
    .executeTakeFirstOrThrow();
  return { project: row.project, app: row.app, deployments: Number(count.n) };
}

/**
 * Waits until every starting or running instance has its entrypoint connected: an app serves before its
 * entrypoint dials in, and the terminal needs the entrypoint. Resolves false if some are still out after `timeoutMs`.
 */
export async function waitForEntrypoints(server: RunningServer, timeoutMs: number): Promise<boolean> {
  const live = await server.ctx.store.db
    .selectFrom("instances")
    .select("id")
    .where("state", "in", ["starting", "running"])
    .execute();
  const { sessions } = entrypointRuntime(server.ctx);
  const connected = await Promise.all(
    live.map((i) => sessions.waitForSession({ instanceId: i.id }, { timeoutMs })),
  );
  return connected.every(Boolean);
}

/** Polls a URL until it answers 2xx (instances re-adopted or restarted after a server start). */
export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await getViaLoopback(url);
      if (res.status >= 200 && res.status < 300) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (${last})`);
}

/**
 * GET of an http://*.localhost URL sent to 127.0.0.1 with the URL's Host header: browsers resolve
 * *.localhost to loopback by themselves, but the system resolver may not.
 */
export function getViaLoopback(url: string, timeoutMs = 3000): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: u.port || 80,
        path: `${u.pathname}${u.search}`,
        headers: { host: u.host },
        timeout: timeoutMs,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          body += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}
