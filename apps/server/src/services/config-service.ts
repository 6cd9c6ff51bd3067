import { type ConfigRevision, ConfigRevisionSchema, ConfigScope, type ConfigService } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import { recordAudit } from "../audit/record-audit.js";
import { getCaller } from "../auth/caller.js";
import { cutPage, decodeSeqPageToken, pageSizeOf } from "../catalog/page-token.js";
import { getApplication, getProject } from "../catalog/projects.js";
import { toConfigChangeProto, toConfigRevisionProto, toConfigVarProto } from "../config/config-proto.js";
import { diffConfigRevisions, listConfigRevisionRows } from "../config/config-revisions.js";
import {
  latestConfigRevision,
  restoreConfigRevision,
  type SetConfigResult,
  setConfigVars,
} from "../config/config-store.js";
import { hclEnvDefaults } from "../config/hcl-defaults.js";
import { listConfigVarRows } from "../config/list-config-vars.js";
import { parsePreviewScopeName } from "../previews/preview-names.js";
import type { ServerContext } from "../server-context.js";

/** berth.v1.ConfigService: versioned config variables per project and app; secrets stay masked. */
export function createConfigService(ctx: ServerContext): ServiceImpl<typeof ConfigService> {
  const db = ctx.store.db;

  // The project (and app) must exist; NotFound names the missing one. "web--previews", the set only the
  // app's previews read, exists when "web" does.
  const checkScope = async (project: string, app: string) => {
    if (app === "") await getProject(db, project);
    else await getApplication(db, project, parsePreviewScopeName(app) ?? app);
  };

  // Audits and announces a recorded change; a no-op change reports the current revision with no changes.
  const finish = async (
    result: SetConfigResult,
    scope: { project: string; app: string },
    action: string,
    hctx: HandlerContext,
  ): Promise<ConfigRevision> => {
    if (!result.revision) {
      return create(ConfigRevisionSchema, {
        ...scope,
        revision: await latestConfigRevision(db, scope.project),
      });
    }
    const revision = toConfigRevisionProto(result.revision);
    await recordAudit(db, {
      actor: getCaller(hctx),
      action,
      ...scope,
      target: `config revision ${revision.revision}`,
      details: {
        revision: revision.revision,
        restoredFrom: result.revision.restored_from ?? undefined,
        // Names and kinds of change only: never values, secret or not.
        changes: result.changes.map((c) => ({ name: c.name, change: c.change, secret: c.secret })),
      },
    });
    ctx.events.publish({ ...scope, event: { case: "config", value: revision } });
    return revision;
  };

  return {
    async setConfigVars(req, hctx) {
      const app = req.scope === ConfigScope.APP ? req.app : "";
      if (req.scope === ConfigScope.PROJECT && req.app !== "") {
        throw new ConnectError(
          `app: must be empty for project scope, got "${req.app}"`,
          Code.InvalidArgument,
        );
      }
      const both = req.set.find((v) => req.unset.includes(v.name));
      if (both)
        throw new ConnectError(`config var "${both.name}" is both set and unset`, Code.InvalidArgument);
      await checkScope(req.project, app);
      const caller = getCaller(hctx);
      const result = await setConfigVars(db, {
        project: req.project,
        app,
        set: req.set.map((v) => ({ name: v.name, value: v.value, secret: v.secret })),
        unset: req.unset,
        actor: { tokenId: caller.tokenId, name: caller.name },
      });
      return { revision: await finish(result, { project: req.project, app }, "config.set", hctx) };
    },

    async listConfigVars(req, hctx) {
      if (req.reveal && getCaller(hctx).role !== "admin") {
        throw new ConnectError("reveal: showing secret values needs the admin role", Code.PermissionDenied);
      }
      await checkScope(req.project, req.app);
      const [rows, revision] = await Promise.all([
        listConfigVarRows(db, req.project, req.app),
        latestConfigRevision(db, req.project),
      ]);
      const set = new Set(rows.map((r) => r.name));
      const hclDefaults = req.app
        ? Object.entries(hclEnvDefaults((await getApplication(db, req.project, req.app)).config_json))
            .filter(([name]) => !set.has(name))
            .map(([name, value]) => ({ name, value }))
        : [];
      return { vars: rows.map((r) => toConfigVarProto(r, req.reveal)), revision, hclDefaults };
    },

    async listConfigRevisions(req) {
      await checkScope(req.project, req.app);
      const pageSize = pageSizeOf(req.pageSize);
      const rows = await listConfigRevisionRows(db, {
        project: req.project,
        app: req.app,
        beforeRevision: decodeSeqPageToken("revisions", req.pageToken),
        pageSize,
      });
      const page = cutPage("revisions", rows, pageSize, (row) => row.revision);
      return { revisions: page.rows.map(toConfigRevisionProto), nextPageToken: page.nextPageToken };
    },

    async restoreConfigRevision(req, hctx) {
      await checkScope(req.project, req.app);
      const caller = getCaller(hctx);
      const result = await restoreConfigRevision(db, {
        project: req.project,
        app: req.app,
        revision: req.revision,
        actor: { tokenId: caller.tokenId, name: caller.name },
      });
      return {
        revision: await finish(result, { project: req.project, app: req.app }, "config.restore", hctx),
      };
    },

    async diffConfigRevisions(req) {
      if (!req.app) throw new ConnectError("app: value is required", Code.InvalidArgument);
      await checkScope(req.app.project, req.app.app);
      const changes = await diffConfigRevisions(db, {
        project: req.app.project,
        app: req.app.app,
        from: req.fromRevision,
        to: req.toRevision,
      });
      return { changes: changes.map(toConfigChangeProto) };
    },
  };
}
