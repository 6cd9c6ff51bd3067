import type { ProjectService } from "@berth/proto";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { getCaller } from "../auth/caller.js";
import { requireAppRef, resolveAppRef } from "../catalog/app-ref.js";
import { toApplicationProtos } from "../catalog/application-protos.js";
import { listCatalogEntries } from "../catalog/catalog-entries.js";
import {
  appNamesByProject,
  getProject,
  listApplications,
  listProjects,
  upsertApplication,
  upsertProject,
} from "../catalog/projects.js";
import { toProjectProto } from "../catalog/to-proto.js";
import { urlOptionsOf } from "../catalog/urls.js";
import { deleteApplication } from "../lifecycle/delete-application.js";
import { deleteProject } from "../lifecycle/delete-project.js";
import { engineOf } from "../lifecycle/engine.js";
import { reservedAppNameReason } from "../previews/preview-names.js";
import type { ServerContext } from "../server-context.js";

/** berth.v1.ProjectService: projects and their applications, upserted from berth.hcl. */
export function createProjectService(ctx: ServerContext): ServiceImpl<typeof ProjectService> {
  const db = ctx.store.db;
  const projectProto = async (name: string) => {
    const [row, apps] = await Promise.all([getProject(db, name), appNamesByProject(db, [name])]);
    return toProjectProto(row, apps.get(name) ?? []);
  };
  return {
    async upsertProject(req) {
      await upsertProject(db, req.name);
      return { project: await projectProto(req.name) };
    },

    async listProjects() {
      const [rows, apps] = await Promise.all([listProjects(db), appNamesByProject(db)]);
      return { projects: rows.map((r) => toProjectProto(r, apps.get(r.name) ?? [])) };
    },

    async getProject(req) {
      return { project: await projectProto(req.name) };
    },

    async upsertApplication(req) {
      const ref = requireAppRef(req.app);
      const reserved = reservedAppNameReason(ref.app);
      if (reserved) throw new ConnectError(`app.app: ${reserved}`, Code.InvalidArgument);
      const row = await upsertApplication(db, { ...ref, labels: req.labels, configJson: req.configJson });
      const [application] = await toApplicationProtos(db, [row], urlOptionsOf(ctx));
      ctx.events.publish({
        project: row.project,
        app: row.name,
        event: { case: "application", value: application! },
      });
      return { application };
    },

    async listApplications(req) {
      const rows = await listApplications(db, req.project);
      return { applications: await toApplicationProtos(db, rows, urlOptionsOf(ctx)) };
    },

    async getApplication(req) {
      const row = await resolveAppRef(db, req.app);
      const [application] = await toApplicationProtos(db, [row], urlOptionsOf(ctx));
      return { application };
    },

    async deleteApplication(req, hctx) {
      const destroyedSeqs = await deleteApplication(ctx, engineOf(ctx), {
        ...requireAppRef(req.app),
        actor: getCaller(hctx),
      });
      return { destroyedSeqs };
    },

    async deleteProject(req, hctx) {
      return deleteProject(ctx, engineOf(ctx), { project: req.name, actor: getCaller(hctx) });
    },

    async listCatalog() {
      return { entries: await listCatalogEntries(db, urlOptionsOf(ctx)) };
    },
  };
}
