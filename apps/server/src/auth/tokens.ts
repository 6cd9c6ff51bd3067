import type { TokenInfo } from "@berth/proto";
import type { Kysely } from "kysely";
import { ulid } from "ulid";
import type { Database } from "../store/schema.js";
import type { Caller, Role, TokenKind } from "./caller.js";
import { type ExternalIdentity, identityFromJson, identityToJson } from "./external-identity.js";
import { hashSecret, newSecret } from "./secret-hash.js";
import { toTokenInfo } from "./token-info.js";
import type { TokenOwner } from "./token-owner.js";
import type { TokenStreams } from "./token-streams.js";

export interface IssueTokenOptions {
  kind: TokenKind;
  /** Required for login tokens; ignored for others. */
  role?: Role;
  name: string;
  /** Entrypoint tokens: the deployment they may speak for. */
  deploymentId?: string;
  /** Lifetime; omitted or 0 means no expiry. */
  ttlMs?: number;
  /** The token this one is derived from: revoking or expiring the parent ends this one too. */
  parentId?: string;
  /** The person an OIDC provider vouched for, kept on the token and its audit events. */
  identity?: ExternalIdentity;
  /** The person a personal token belongs to (see auth/token-owner.ts). */
  owner?: TokenOwner;
}

export interface IssuedToken {
  info: TokenInfo;
  /** The bearer secret, shown once; only its sha256 is stored. */
  secret: string;
}

/** Mints a token and stores its hash. The secret is `berth_` + 32 random bytes (base64url). */
export async function issueToken(db: Kysely<Database>, options: IssueTokenOptions): Promise<IssuedToken> {
  if (options.kind === "login" && !options.role) throw new Error("a login token needs a role");
  const secret = newSecret("berth_");
  const now = Date.now();
  const row = {
    id: ulid(now),
    hash: hashSecret(secret),
    kind: options.kind,
    role: options.kind === "login" ? (options.role ?? "") : "",
    name: options.name,
    deployment_id: options.deploymentId ?? "",
    created_at: now,
    expires_at: options.ttlMs ? now + options.ttlMs : null,
    revoked_at: null,
    parent_id: options.parentId ?? null,
    identity_json: identityToJson(options.identity),
    last_used_at: null,
    owner_key: options.owner?.key ?? null,
    owner_name: options.owner?.name ?? "",
  };
  await db.insertInto("tokens").values(row).execute();
  return { info: toTokenInfo(row), secret };
}

/** How stale a token's last_used_at may get before a call refreshes it. */
const lastUsedResolutionMs = 60_000;

/** Derived tokens are at most this deep (a session's token of a session's token…); deeper is refused. */
const maxTokenDepth = 8;

function isLive(row: { revoked_at: number | null; expires_at: number | null }, now: number): boolean {
  return row.revoked_at === null && (row.expires_at === null || row.expires_at > now);
}

/**
 * The caller a bearer secret stands for, or undefined when it is unknown, revoked or expired, or when
 * any token it was derived from is.
 */
export async function verifyToken(db: Kysely<Database>, secret: string): Promise<Caller | undefined> {
  if (!secret.startsWith("berth_")) return undefined;
  const row = await db
    .selectFrom("tokens")
    .selectAll()
    .where("hash", "=", hashSecret(secret))
    .executeTakeFirst();
  const now = Date.now();
  if (!row || !isLive(row, now)) return undefined;
  let parentId = row.parent_id;
  for (let depth = 0; parentId !== null; depth++) {
    if (depth >= maxTokenDepth) return undefined;
    const parent = await db
      .selectFrom("tokens")
      .select(["parent_id", "revoked_at", "expires_at"])
      .where("id", "=", parentId)
      .executeTakeFirst();
    if (!parent || !isLive(parent, now)) return undefined;
    parentId = parent.parent_id;
  }
  // "Last seen" for the users page, written at most once a minute per token: not a write per call.
  if (row.last_used_at === null || now - row.last_used_at >= lastUsedResolutionMs) {
    await db.updateTable("tokens").set({ last_used_at: now }).where("id", "=", row.id).execute();
  }
  return {
    tokenId: row.id,
    kind: row.kind as TokenKind,
    role: row.role as Role | "",
    name: row.name,
    deploymentId: row.deployment_id,
    expiresAt: row.expires_at ?? undefined,
    identity: identityFromJson(row.identity_json),
  };
}

/** Whether a secret is one the server issued (even if revoked or expired since). */
export async function isKnownSecret(db: Kysely<Database>, secret: string): Promise<boolean> {
  const row = await db
    .selectFrom("tokens")
    .select("id")
    .where("hash", "=", hashSecret(secret))
    .executeTakeFirst();
  return row !== undefined;
}

/** The ids of a token and of every token derived from it, directly or not (the token first). */
export async function tokenFamily(db: Kysely<Database>, id: string): Promise<string[]> {
  const rows = await db
    .withRecursive("family(id)", (qb) =>
      qb
        .selectFrom("tokens")
        .select("id")
        .where("id", "=", id)
        .unionAll((u) =>
          u.selectFrom("tokens").innerJoin("family", "family.id", "tokens.parent_id").select("tokens.id"),
        ),
    )
    .selectFrom("family")
    .select("id")
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Revokes a token by id, and every token derived from it (sessions' tokens): the one place tokens are
 * revoked. Returns the revoked token, or undefined when no such token exists. Their open streams end at
 * once; their next request fails (verification reads the store every time).
 */
export async function revokeToken(
  db: Kysely<Database>,
  streams: TokenStreams,
  id: string,
): Promise<TokenInfo | undefined> {
  const family = await tokenFamily(db, id);
  if (family.length > 0) {
    await db
      .updateTable("tokens")
      .set({ revoked_at: Date.now() })
      .where("id", "in", family)
      .where("revoked_at", "is", null)
      .execute();
  }
  streams.revoke(family);
  const row = await db.selectFrom("tokens").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toTokenInfo(row) : undefined;
}

/** Every token, newest first (revoked and expired ones included, flagged by their timestamps). */
export async function listTokens(db: Kysely<Database>): Promise<TokenInfo[]> {
  const rows = await db.selectFrom("tokens").selectAll().orderBy("id", "desc").execute();
  return rows.map(toTokenInfo);
}

/** Revokes every entrypoint token of a deployment (when it is destroyed) and ends their streams. Returns how many. */
export async function revokeDeploymentTokens(
  db: Kysely<Database>,
  streams: TokenStreams,
  deploymentId: string,
  /** Only these tokens (a scale-down's stopped slots); all of the deployment's when absent. */
  ids?: string[],
): Promise<number> {
  if (ids?.length === 0) return 0;
  const rows = await db
    .updateTable("tokens")
    .set({ revoked_at: Date.now() })
    .where("kind", "=", "entrypoint")
    .where("deployment_id", "=", deploymentId)
    .where("revoked_at", "is", null)
    .$if(ids !== undefined, (q) => q.where("id", "in", ids ?? []))
    .returning("id")
    .execute();
  streams.revoke(rows.map((r) => r.id));
  return rows.length;
}
