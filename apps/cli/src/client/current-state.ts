// One-line answers to "what is true now?", asked after a change whose outcome is unknown.
import { ConfigService, type Release, ReleaseService } from "@berth/proto";
import type { ApiClient } from "./create-api-client.js";

/** "v3" or "v3 90% + v4 10%". */
export function releaseTargets(r: Release): string {
  return r.targets.map((t) => `v${t.seq}${r.targets.length > 1 ? ` ${t.weight}%` : ""}`).join(" + ");
}

/** "current release of shop/web is v2 (release #3)". */
export async function currentRelease(api: ApiClient, app: { project: string; app: string }): Promise<string> {
  const { releases } = await api.client(ReleaseService).listReleases({ app, pageSize: 1 });
  const latest = releases[0];
  if (!latest) return `${app.project}/${app.app} has no release`;
  return `current release of ${app.project}/${app.app} is ${releaseTargets(latest)} (release #${latest.seq})`;
}

/** "the newest config revision of shop/web is r4 (GREETING, API_KEY)". */
export async function currentConfigRevision(api: ApiClient, project: string, app: string): Promise<string> {
  const { revisions } = await api.client(ConfigService).listConfigRevisions({ project, app, pageSize: 1 });
  const where = app ? `${project}/${app}` : project;
  const latest = revisions[0];
  if (!latest) return `${where} has no config revision`;
  const names = latest.changes.map((c) => c.name).join(", ");
  return `the newest config revision of ${where} is r${latest.revision}${names ? ` (${names})` : ""}`;
}
