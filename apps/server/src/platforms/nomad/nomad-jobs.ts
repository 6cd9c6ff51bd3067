import type { Kysely } from "kysely";
import type { Database } from "../../store/schema.js";
import { type NomadClient, NomadError } from "./nomad-client.js";
import { tokenVariablePath } from "./nomad-job.js";

/** A job list stub with its Meta (GET /v1/jobs?meta=true). */
export interface JobStub {
  ID: string;
  Status: string;
  Stop?: boolean;
  Meta?: Record<string, string> | null;
}

/** The jobs Berth registered on this agent (Meta managed_by = berth), in the client's namespace. */
export async function berthJobs(client: NomadClient): Promise<JobStub[]> {
  const { body } = await client.call<JobStub[]>("GET", "/v1/jobs", { query: { meta: true } });
  return body.filter((j) => j.Meta?.managed_by === "berth");
}

/** A Nomad Variable as GET /v1/var/:path answers (and a 409 on a check-and-set conflict). */
interface Variable {
  Items?: Record<string, string> | null;
  ModifyIndex?: number;
}

/**
 * Writes one slot's renewed entrypoint token into the job's variable (its template renders it into the env of the
 * slot's next task start). Read, change one item, write back with check-and-set: two slots renewing at once do
 * not undo each other (on a conflict it reads again, a few times).
 */
export async function storeToken(
  client: NomadClient,
  jobId: string,
  idx: number,
  token: string,
): Promise<void> {
  const path = `/v1/var/${tokenVariablePath(jobId)}`;
  for (let attempt = 1; ; attempt++) {
    const { body } = await client.call<Variable>("GET", path);
    const items = { ...body.Items, [`token_${idx}`]: token };
    try {
      await client.call("PUT", path, {
        query: { cas: body.ModifyIndex ?? 0 },
        body: { Path: tokenVariablePath(jobId), Items: items },
      });
      return;
    } catch (err) {
      if (!(err instanceof NomadError && err.status === 409) || attempt >= 5) throw err;
    }
  }
}

/** Deregisters and purges a job and deletes its token variable; a job already gone is no error. */
export async function purgeJob(client: NomadClient, jobId: string): Promise<void> {
  const gone = (err: unknown) => {
    if (!(err instanceof NomadError && err.status === 404)) throw err;
  };
  await client.call("DELETE", `/v1/job/${encodeURIComponent(jobId)}`, { query: { purge: true } }).catch(gone);
  await client.call("DELETE", `/v1/var/${tokenVariablePath(jobId)}`).catch(gone);
}

/**
 * Deregisters the Berth jobs of deployments this server's store records as destroyed (destroyed while the server
 * was down, or before a crash finished the job). Jobs of deployments the store does not know are left alone:
 * an agent may serve other Berth servers. Returns how many jobs went.
 */
export async function sweepNomadJobs(client: NomadClient, db: Kysely<Database>): Promise<number> {
  const jobs = await berthJobs(client);
  const ids = [...new Set(jobs.map((j) => j.Meta?.berth_deployment_id ?? ""))].filter(Boolean);
  if (ids.length === 0) return 0;
  const destroyed = new Set(
    (
      await db
        .selectFrom("deployments")
        .select("id")
        .where("id", "in", ids)
        .where("status", "=", "destroyed")
        .execute()
    ).map((r) => r.id),
  );
  const orphans = jobs.filter((j) => destroyed.has(j.Meta?.berth_deployment_id ?? ""));
  for (const j of orphans) await purgeJob(client, j.ID);
  return orphans.length;
}
