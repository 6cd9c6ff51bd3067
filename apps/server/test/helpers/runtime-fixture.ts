import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { ConfigService, EntrypointService, ExecService, LogService } from "@berth/proto";
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import type { Kysely } from "kysely";
import { ulid } from "ulid";
import { issueToken } from "../../src/auth/tokens.js";
import type { Database } from "../../src/store/schema.js";
import { withToken } from "./api-client.js";

export const entrypointBin = fileURLToPath(
  new URL("../../../entrypoint/bin/berth-entrypoint.js", import.meta.url),
);

export interface SeededDeployment {
  project: string;
  app: string;
  appId: string;
  deploymentId: string;
  instanceIds: string[];
}

/** Inserts a project, app, deployment (status healthy) and its instance rows, as the platform would. */
export async function seedDeployment(
  db: Kysely<Database>,
  options: { project?: string; app?: string; count?: number; seq?: number } = {},
): Promise<SeededDeployment> {
  const project = options.project ?? "shop";
  const app = options.app ?? "web";
  const now = Date.now();
  await db
    .insertInto("projects")
    .values({ name: project, created_at: now, updated_at: now })
    .onConflict((c) => c.doNothing())
    .execute();
  let appRow = await db
    .selectFrom("applications")
    .select("id")
    .where("project", "=", project)
    .where("name", "=", app)
    .executeTakeFirst();
  if (!appRow) {
    appRow = { id: ulid() };
    await db
      .insertInto("applications")
      .values({
        id: appRow.id,
        project,
        name: app,
        labels_json: "{}",
        config_json: "{}",
        current_release_id: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  const deploymentId = ulid();
  await db
    .insertInto("deployments")
    .values({
      id: deploymentId,
      app_id: appRow.id,
      seq: options.seq ?? 1,
      status: "healthy",
      replica_id: "",
      build_id: null,
      artifact_digest: null,
      artifact_size: null,
      platform: "process",
      instance_count: options.count ?? 1,
      spec_json: "{}",
      config_revision: 0,
      job_id: null,
      created_at: now,
      finished_at: now,
      destroyed_at: null,
      timings_json: "[]",
      error: "",
      pinned: 0,
      note: "",
      trigger: "",
      triggered_by: "",
      git_sha: "",
      git_branch: "",
      git_author: "",
      git_message: "",
      git_commit_time: null,
      git_dirty: 0,
    })
    .execute();
  const instanceIds: string[] = [];
  for (let idx = 0; idx < (options.count ?? 1); idx++) {
    const id = ulid();
    instanceIds.push(id);
    await db
      .insertInto("instances")
      .values({
        id,
        deployment_id: deploymentId,
        idx,
        state: "running",
        health: "unknown",
        port: 0,
        pid: 0,
        restarts: 0,
        started_at: now,
        config_revision: 0,
        last_health_error: "",
        last_health_at: null,
        native_id: "",
      })
      .execute();
  }
  return { project, app, appId: appRow.id, deploymentId, instanceIds };
}

/** A token for the deployment's entrypoints. */
export async function entrypointToken(
  db: Kysely<Database>,
  deploymentId: string,
  ttlMs?: number,
): Promise<string> {
  return (
    await issueToken(db, { kind: "entrypoint", name: `entrypoint ${deploymentId}`, deploymentId, ttlMs })
  ).secret;
}

/** A login token with a role. */
export async function loginToken(db: Kysely<Database>, role: "viewer" | "deployer" | "admin" = "deployer") {
  return (await issueToken(db, { kind: "login", role, name: `${role}-user` })).secret;
}

/** gRPC clients of the runtime services with a token. */
export function runtimeClients(apiUrl: string, token: string) {
  const transport = createGrpcTransport({ baseUrl: apiUrl, interceptors: [withToken(token)] });
  return {
    logs: createClient(LogService, transport) as Client<typeof LogService>,
    exec: createClient(ExecService, transport) as Client<typeof ExecService>,
    entrypoint: createClient(EntrypointService, transport) as Client<typeof EntrypointService>,
    config: createClient(ConfigService, transport) as Client<typeof ConfigService>,
  };
}

export interface SpawnedEntrypoint {
  child: ChildProcess;
  stderr(): string;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

/** Starts the real berth-entrypoint binary around `command`, as the process platform does. */
export function spawnEntrypoint(options: {
  apiUrl: string;
  token: string;
  deploymentId: string;
  instanceId: string;
  command: string;
  cwd?: string;
  env?: Record<string, string>;
}): SpawnedEntrypoint {
  const child = spawn(process.execPath, [entrypointBin, "--", "sh", "-c", options.command], {
    cwd: options.cwd ?? process.cwd(),
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/tmp",
      BERTH_SERVER_ADDR: options.apiUrl,
      BERTH_ENTRYPOINT_TOKEN: options.token,
      BERTH_DEPLOYMENT_ID: options.deploymentId,
      BERTH_INSTANCE_ID: options.instanceId,
      BERTH_CONFIG_REVISION: "0",
      ...options.env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, stderr: () => stderr, exited };
}

/** Stops an entrypoint (and its app) and waits for it. */
export async function stopEntrypoint(e: SpawnedEntrypoint): Promise<void> {
  if (e.child.exitCode !== null || e.child.signalCode !== null) return;
  e.child.kill("SIGTERM");
  const timer = setTimeout(() => e.child.kill("SIGKILL"), 3000);
  await e.exited;
  clearTimeout(timer);
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function pollUntil<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
