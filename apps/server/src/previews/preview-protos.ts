import { type Preview, PreviewSchema, PreviewState } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { Kysely } from "kysely";
import { appUrl, deploymentUrl, type UrlOptions, urlOptionsOf } from "../catalog/urls.js";
import type { ServerContext } from "../server-context.js";
import type { Database, PreviewTable } from "../store/schema.js";
import { getPreviewById } from "./preview-store.js";

const states: Record<string, PreviewState> = {
  building: PreviewState.BUILDING,
  ready: PreviewState.READY,
  failed: PreviewState.FAILED,
  closed: PreviewState.CLOSED,
};

/** Preview rows as the API's Preview, each with its URL and its released deployment's own URL. */
export async function toPreviewProtos(
  db: Kysely<Database>,
  rows: PreviewTable[],
  urls: UrlOptions,
): Promise<Preview[]> {
  const ids = rows.map((r) => r.deployment_id).filter(Boolean);
  const seqs = new Map(
    ids.length === 0
      ? []
      : (await db.selectFrom("deployments").select(["id", "seq"]).where("id", "in", ids).execute()).map(
          (d) => [d.id, d.seq] as const,
        ),
  );
  return rows.map((r) => {
    const seq = seqs.get(r.deployment_id);
    return create(PreviewSchema, {
      project: r.project,
      app: r.app,
      previewApp: r.preview_app,
      number: r.number,
      forge: r.forge,
      repository: r.repository,
      branch: r.branch,
      sha: r.sha,
      title: r.title,
      state: states[r.state] ?? PreviewState.UNSPECIFIED,
      reason: r.reason,
      url: r.state === "closed" ? "" : appUrl(r.project, r.preview_app, urls),
      deploymentUrl:
        r.state !== "closed" && seq !== undefined ? deploymentUrl(r.project, r.preview_app, seq, urls) : "",
      openedAt: timestampFromMs(r.opened_at),
      updatedAt: timestampFromMs(r.updated_at),
      ...(r.expires_at !== null && r.state !== "closed" && { expiresAt: timestampFromMs(r.expires_at) }),
    });
  });
}

/** Tells live views (the dashboard's preview list) that a preview changed. */
export async function publishPreview(ctx: ServerContext, id: string): Promise<void> {
  const row = await getPreviewById(ctx.store.db, id);
  if (!row) return;
  const [preview] = await toPreviewProtos(ctx.store.db, [row], urlOptionsOf(ctx));
  ctx.events.publish({ project: row.project, app: row.app, event: { case: "preview", value: preview! } });
}
