import { type AuditEvent, AuditEventSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type Kysely, type SqlBool, sql } from "kysely";
import { identityFromJson } from "../auth/external-identity.js";
import type { AuditEventTable, Database } from "../store/schema.js";

export interface AuditQuery {
  project?: string;
  app?: string;
  action?: string;
  /** The actor's token name. */
  actor?: string;
  sinceMs?: number;
  /** Only events with ids below this one (the cursor of the previous page). */
  beforeId?: string;
  pageSize: number;
}

/** Audit events newest first (ids are ULIDs, so id order is time order); fetches one extra row to detect more. */
export async function listAuditEventRows(db: Kysely<Database>, q: AuditQuery): Promise<AuditEventTable[]> {
  let query = db.selectFrom("audit_events").selectAll();
  if (q.project) query = query.where("project", "=", q.project);
  if (q.app) query = query.where("app", "=", q.app);
  if (q.action) {
    // "config" matches "config.set" and "config.restore"; "config.set" matches itself.
    const action = q.action;
    const family = `${action.replace(/[\\%_]/g, (c) => `\\${c}`)}.%`;
    query = query.where((eb) =>
      eb.or([eb("action", "=", action), sql<SqlBool>`action like ${family} escape '\\'`]),
    );
  }
  if (q.actor) query = query.where("actor_name", "=", q.actor);
  if (q.sinceMs !== undefined) query = query.where("time", ">=", q.sinceMs);
  if (q.beforeId) query = query.where("id", "<", q.beforeId);
  return query
    .orderBy("id", "desc")
    .limit(q.pageSize + 1)
    .execute();
}

/** An audit row as an AuditEvent, with its target's label (see audit-target-labels.ts) when it has one. */
export function toAuditEventProto(row: AuditEventTable, targetLabel = ""): AuditEvent {
  return create(AuditEventSchema, {
    id: row.id,
    time: timestampFromMs(row.time),
    actor: {
      tokenId: row.actor_token_id,
      name: row.actor_name,
      identity: identityFromJson(row.actor_identity_json),
    },
    action: row.action,
    project: row.project,
    app: row.app,
    target: row.target,
    detailsJson: row.details_json,
    targetLabel,
  });
}
