import type { Kysely } from "kysely";
import { recordAudit } from "../audit/record-audit.js";
import type { Database } from "../store/schema.js";
import type { Caller, Role } from "./caller.js";
import type { ExternalIdentity } from "./external-identity.js";
import { type IssuedToken, issueToken } from "./tokens.js";

export interface ExternalSessionTokenOptions {
  role: Role;
  /** Wanted lifetime; capped by the caller's own token. */
  ttlMs: number;
  identity: ExternalIdentity;
}

/**
 * Mints the login token of a person an OIDC provider vouched for, on behalf of the BFF (the caller). The
 * token is derived from the caller's, so revoking the BFF's token ends every such session, and it never
 * outlives it. The sign-in itself is audited with the person's identity as the actor.
 */
export async function issueExternalSessionToken(
  db: Kysely<Database>,
  caller: Caller,
  options: ExternalSessionTokenOptions,
): Promise<IssuedToken> {
  const { identity } = options;
  const until = Math.min(Date.now() + options.ttlMs, caller.expiresAt ?? Number.POSITIVE_INFINITY);
  // What people read in the audit trail and token lists: the address when the provider gave one.
  const who = identity.email || identity.subject;
  const issued = await issueToken(db, {
    kind: "login",
    role: options.role,
    name: `${who} (${identity.provider})`.slice(0, 100),
    ttlMs: Math.max(1, until - Date.now()),
    parentId: caller.tokenId,
    identity,
  });
  await recordAudit(db, {
    actor: { tokenId: issued.info.id, name: issued.info.name, identity },
    action: "session.sign_in",
    target: issued.info.id,
    details: { via: "oidc", provider: identity.provider, role: options.role, bff: caller.name },
  });
  return issued;
}
