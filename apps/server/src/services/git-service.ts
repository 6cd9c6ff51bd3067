import type { GitService } from "@berth/proto";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { recordAudit } from "../audit/record-audit.js";
import { getCaller } from "../auth/caller.js";
import { requireAppRef } from "../catalog/app-ref.js";
import { getApplication, getProject } from "../catalog/projects.js";
import { urlOptionsOf } from "../catalog/urls.js";
import { gitSourceOf } from "../git/git-source.js";
import { shipCommit } from "../git/ship-commit.js";
import { builtinRunnerIdOf, engineOf } from "../lifecycle/engine.js";
import { toPreviewProtos } from "../previews/preview-protos.js";
import { listPreviews } from "../previews/preview-store.js";
import type { ServerContext } from "../server-context.js";
import { toWebhookDeliveryProto } from "../webhooks/webhook-protos.js";
import {
  createWebhookSecret,
  getWebhookSecret,
  listDeliveries,
  webhookPath,
} from "../webhooks/webhook-store.js";

/** berth.v1.GitService: deploy a commit of an app's git source; a project's inbound webhook and its deliveries. */
export function createGitService(ctx: ServerContext): ServiceImpl<typeof GitService> {
  const db = ctx.store.db;
  return {
    async deployCommit(req, hctx) {
      const { project, app } = requireAppRef(req.app);
      const row = await getApplication(db, project, app);
      const source = (() => {
        try {
          return gitSourceOf(row.config_json);
        } catch (err) {
          throw new ConnectError((err as Error).message, Code.FailedPrecondition);
        }
      })();
      if (!source)
        throw new ConnectError(
          `app "${app}" names no git source; add source { git { url = "…" } } to its berth.hcl and run berth up once`,
          Code.FailedPrecondition,
        );
      const engine = engineOf(ctx);
      if (!engine.hub.isConnected(builtinRunnerIdOf(ctx)))
        throw new ConnectError(
          "builds from git run on the server's built-in runner, which this server does not run (builtinRunner is off)",
          Code.FailedPrecondition,
        );
      const caller = getCaller(hctx);
      const ref = req.ref || source.ref;
      const job = await shipCommit(ctx, engine, {
        project,
        app,
        ref,
        sha: req.sha,
        trigger: "remote",
        actor: { tokenId: caller.tokenId, name: caller.name },
        release: req.release,
        reason: `deploy of ${req.sha ? req.sha.slice(0, 7) : ref} by ${caller.name}`,
      });
      return { buildJobId: job.id };
    },

    async createWebhookSecret(req, hctx) {
      await getProject(db, req.project);
      const caller = getCaller(hctx);
      const row = await createWebhookSecret(db, req.project, { tokenId: caller.tokenId, name: caller.name });
      await recordAudit(db, { actor: caller, action: "webhook.secret", project: req.project });
      return { secret: row.secret, path: webhookPath(req.project) };
    },

    async getWebhook(req) {
      await getProject(db, req.project);
      const row = await getWebhookSecret(db, req.project);
      return {
        configured: !!row,
        path: webhookPath(req.project),
        createdBy: row ? { tokenId: row.actor_token_id, name: row.actor_name, kind: "login" } : undefined,
        createdAt: row ? timestampFromMs(row.created_at) : undefined,
      };
    },

    async listWebhookDeliveries(req) {
      await getProject(db, req.project);
      const page = await listDeliveries(db, req.project, req.pageSize, req.pageToken);
      return { deliveries: page.rows.map(toWebhookDeliveryProto), nextPageToken: page.nextPageToken };
    },

    async listPreviews(req) {
      await getProject(db, req.project);
      const rows = await listPreviews(db, req.project, { app: req.app, includeClosed: req.includeClosed });
      return { previews: await toPreviewProtos(db, rows, urlOptionsOf(ctx)) };
    },
  };
}
