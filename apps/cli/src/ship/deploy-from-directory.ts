import { createClient } from "@connectrpc/connect";
import type { ApiClient } from "../client/create-api-client.js";
import { createApiClient, createApiTransport } from "../client/create-api-client.js";
import { loadProject, selectApps } from "./load-project.js";
import { type Phase, type ShipResult, shipApp } from "./ship-app.js";

export interface DeployFromDirectoryOptions {
  /** Directory with berth.hcl (a git working tree or not). */
  dir: string;
  /** Server API URL and a deployer/admin login token; omitted: the CLI's current context. */
  server?: string;
  token?: string;
  /** Only this app (default: every app of berth.hcl). */
  app?: string;
  phases?: Phase[];
  signal?: AbortSignal;
}

/**
 * `berth up` as a function: build → push → deploy → release each app of dir/berth.hcl against a
 * server, without printing. For the quickstart, tests and scripts.
 */
export async function deployFromDirectory(
  o: DeployFromDirectoryOptions,
): Promise<(ShipResult & { app: string })[]> {
  let api: ApiClient;
  if (o.server && o.token) {
    const transport = createApiTransport({ server: o.server, token: o.token });
    api = {
      context: { name: "inline", server: o.server, token: o.token },
      transport,
      client: (service) => createClient(service, transport),
    } as ApiClient;
  } else api = createApiClient();
  const project = await loadProject(o.dir);
  const results: (ShipResult & { app: string })[] = [];
  for (const app of selectApps(project.config, o.app)) {
    const r = await shipApp({
      api,
      rootDir: o.dir,
      project: project.config.project,
      app,
      git: project.git,
      phases: o.phases ?? ["build", "deploy", "release"],
      signal: o.signal,
    });
    results.push({ ...r, app: app.name });
  }
  return results;
}
