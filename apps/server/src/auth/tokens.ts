import type { TokenInfo } from "@berth/proto";
import type { Kysely } from "kysely";
import { ulid } from "ulid";
import type { Database } from "../store/schema.js";
import type { Caller, Role, TokenKind } from "./caller.js";
import { hashSecret, newSecret } from "./secret-hash.js";
import { toTokenInfo } from "./token-info.js";
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
  };
  await db.insertInto("tokens").values(row).execute();
  return { info: toTokenInfo(row), secret };
}

/** The caller a bearer secret stands for, or undefined when it is unknown, revoked or expired. */
export async function verifyToken(db: Kysely<Database>, secret: string): Promise<Caller | undefined> {
  if (!secret.startsWith("berth_")) return undefined;
  const row = await db
    .selectFrom("tokens")
    .selectAll()
    .where("hash", "=", hashSecret(secret))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null) return undefined;
  if (row.expires_at !== null && row.expires_at <= Date.now()) return undefined;
  return {
    tokenId: row.id,
    kind: row.kind as TokenKind,
    role: row.role as Role | "",
    name: row.name,
    deploymentId: row.deployment_id,
    expiresAt: row.expires_at ?? undefined,
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

/**
 * Revokes a token by id: the one place tokens are revoked. Returns the revoked token, or undefined when
 * no such token exists. Its open streams end at once; its next request fails (verification reads the
 * store every time).
 */
export async function revokeToken(
  db: Kysely<Database>,
  streams: TokenStreams,
  id: string,
): Promise<TokenInfo | undefined> {
  await db
    .updateTable("tokens")
    .set({ revoked_at: Date.now() })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .execute();
  streams.revoke([id]);
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
): Promise<number> {
  const rows = await db
    .updateTable("tokens")
    .set({ revoked_at: Date.now() })
    .where("kind", "=", "entrypoint")
    .where("deployment_id", "=", deploymentId)
    .where("revoked_at", "is", null)
    .returning("id")
    .execute();
  streams.revoke(rows.map((r) => r.id));
  return rows.length;
}
