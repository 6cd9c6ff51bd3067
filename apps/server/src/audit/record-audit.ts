import type { Kysely } from "kysely";
import { ulid } from "ulid";
import type { Caller } from "../auth/caller.js";
import { identityToJson } from "../auth/external-identity.js";
import type { Database } from "../store/schema.js";

export interface AuditRecord {
  /** Who did it (with the person behind the token, when known); undefined for the server itself. */
  actor?: Pick<Caller, "tokenId" | "name" | "identity">;
  /** Dotted verb, e.g. "token.create", "release.create", "exec.start". */
  action: string;
  project?: string;
  app?: string;
  /** The id or name of the thing acted on. */
  target?: string;
  /** Anything else worth keeping; never secrets. */
  details?: Record<string, unknown>;
}

/** Appends one row to the audit trail and returns its id. */
export async function recordAudit(db: Kysely<Database>, record: AuditRecord): Promise<string> {
  const now = Date.now();
  const id = ulid(now);
  await db
    .insertInto("audit_events")
    .values({
      id,
      time: now,
      actor_token_id: record.actor?.tokenId ?? "",
      actor_name: record.actor?.name ?? "server",
      action: record.action,
      project: record.project ?? "",
      app: record.app ?? "",
      target: record.target ?? "",
      details_json: JSON.stringify(record.details ?? {}),
      actor_identity_json: identityToJson(record.actor?.identity),
    })
    .execute();
  return id;
}
