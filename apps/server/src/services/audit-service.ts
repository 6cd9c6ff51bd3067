import type { AuditService } from "@berth/proto";
import type { ServiceImpl } from "@connectrpc/connect";
import { auditTargetLabels } from "../audit/audit-target-labels.js";
import { listAuditEventRows, toAuditEventProto } from "../audit/list-audit-events.js";
import { filterMs } from "../catalog/filter-time.js";
import { cutPage, decodePageToken, pageSizeOf } from "../catalog/page-token.js";
import type { ServerContext } from "../server-context.js";

/** berth.v1.AuditService: who did what, when, newest first. */
export function createAuditService(ctx: ServerContext): ServiceImpl<typeof AuditService> {
  return {
    async listAuditEvents(req) {
      const pageSize = pageSizeOf(req.pageSize);
      const rows = await listAuditEventRows(ctx.store.db, {
        project: req.project,
        app: req.app,
        action: req.action,
        actor: req.actor,
        sinceMs: req.since ? filterMs(req.since) : undefined,
        beforeId: decodePageToken("audit", req.pageToken),
        pageSize,
      });
      const page = cutPage("audit", rows, pageSize, (row) => row.id);
      const labels = await auditTargetLabels(ctx.store.db, page.rows);
      return {
        events: page.rows.map((row) => toAuditEventProto(row, labels.get(row.id))),
        nextPageToken: page.nextPageToken,
      };
    },
  };
}
