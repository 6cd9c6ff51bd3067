import { type AuthService, TokenKind } from "@berth/proto";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { recordAudit } from "../audit/record-audit.js";
import { getCaller } from "../auth/caller.js";
import { issueExternalSessionToken } from "../auth/external-session-token.js";
import { createLoginCode, redeemLoginCode } from "../auth/login-codes.js";
import { createPersonalToken, listPersonalTokens, revokePersonalToken } from "../auth/personal-tokens.js";
import { kindFromEnum, roleFromEnum, roleToProto, toTokenInfo } from "../auth/token-info.js";
import { ownerOf } from "../auth/token-owner.js";
import { issueToken, listTokens, revokeToken } from "../auth/tokens.js";
import type { ServerContext } from "../server-context.js";

/** The longest a login code's token lives (the CLI's default too): it expires unless renewed by a new code. */
const redeemedTokenTtlMs = 30 * 24 * 3600 * 1000;

/** A Get started page's code: long enough to copy a command into a terminal, short enough to be worthless later. */
const ownLoginCodeTtlMs = 5 * 60 * 1000;

/** berth.v1.AuthService: who am I, tokens and one-time login codes. */
export function createAuthService(ctx: ServerContext): ServiceImpl<typeof AuthService> {
  const db = ctx.store.db;
  return {
    async whoAmI(_req, hctx) {
      const caller = getCaller(hctx);
      const row = await db
        .selectFrom("tokens")
        .selectAll()
        .where("id", "=", caller.tokenId)
        .executeTakeFirstOrThrow();
      return { token: toTokenInfo(row) };
    },

    async createToken(req, hctx) {
      const caller = getCaller(hctx);
      const kind = kindFromEnum(req.kind);
      if (kind !== "login" && kind !== "runner" && kind !== "router") {
        throw new ConnectError(
          `field kind: must be login, runner or router, got ${TokenKind[req.kind]}`,
          Code.InvalidArgument,
        );
      }
      const role = roleFromEnum(req.role);
      if (kind === "login" && !role) {
        throw new ConnectError(
          "field role: a login token needs a role (viewer, deployer or admin)",
          Code.InvalidArgument,
        );
      }
      const issued = await issueToken(db, {
        kind,
        role,
        name: req.name,
        ttlMs: req.ttlSeconds > 0 ? req.ttlSeconds * 1000 : undefined,
      });
      await recordAudit(db, {
        actor: caller,
        action: "token.create",
        target: issued.info.id,
        details: { kind, role: role ?? "", name: req.name },
      });
      return { token: issued.info, secret: issued.secret };
    },

    async revokeToken(req, hctx) {
      const revoked = await revokeToken(db, ctx.tokenStreams, req.id);
      // The id is not echoed: what was pasted may be a secret (`berth tokens` lists the ids).
      if (!revoked) throw new ConnectError("field id: no token has this id", Code.NotFound);
      await recordAudit(db, {
        actor: getCaller(hctx),
        action: "token.revoke",
        target: req.id,
        details: { name: revoked.name },
      });
      return {};
    },

    async listTokens() {
      return { tokens: await listTokens(db) };
    },

    async createLoginCode(req, hctx) {
      const caller = getCaller(hctx);
      const role = roleFromEnum(req.role) ?? "viewer";
      const name = req.name || `${role} login`;
      const { code, expiresAt } = await createLoginCode(db, { role, name, createdBy: caller.tokenId });
      await recordAudit(db, { actor: caller, action: "login_code.create", details: { role, name } });
      return { code, expiresAt: timestampFromMs(expiresAt) };
    },

    async redeemLoginCode(req) {
      const ttlMs = Math.min(
        req.ttlSeconds > 0 ? req.ttlSeconds * 1000 : redeemedTokenTtlMs,
        redeemedTokenTtlMs,
      );
      const issued = await redeemLoginCode(db, req.code, ttlMs);
      if (!issued) throw new ConnectError("the login code is unknown, used or expired", Code.Unauthenticated);
      await recordAudit(db, {
        actor: { tokenId: issued.info.id, name: issued.info.name },
        action: "token.create",
        target: issued.info.id,
        details: { via: "login code" },
      });
      return { token: issued.info, secret: issued.secret };
    },

    async createSessionToken(req, hctx) {
      const caller = getCaller(hctx);
      const parent = await db
        .selectFrom("tokens")
        .select("expires_at")
        .where("id", "=", caller.tokenId)
        .executeTakeFirstOrThrow();
      const until = Math.min(
        Date.now() + req.ttlSeconds * 1000,
        parent.expires_at ?? Number.POSITIVE_INFINITY,
      );
      const issued = await issueToken(db, {
        kind: "login",
        role: caller.role || "viewer",
        name: req.name || `session of ${caller.name}`,
        ttlMs: Math.max(1, until - Date.now()),
        parentId: caller.tokenId,
      });
      await recordAudit(db, {
        actor: caller,
        action: "token.create",
        target: issued.info.id,
        details: { via: "session" },
      });
      return { token: issued.info, secret: issued.secret };
    },

    async createExternalSessionToken(req, hctx) {
      const caller = getCaller(hctx);
      // protovalidate guarantees the identity and a defined role; the types cannot say so.
      const role = roleFromEnum(req.role);
      if (!req.identity || !role) throw new ConnectError("field identity: required", Code.InvalidArgument);
      const { provider, issuer, subject, email, groups } = req.identity;
      const issued = await issueExternalSessionToken(db, caller, {
        role,
        ttlMs: req.ttlSeconds * 1000,
        identity: { provider, issuer, subject, email, groups },
      });
      return { token: issued.info, secret: issued.secret };
    },

    async createPersonalToken(req, hctx) {
      const caller = getCaller(hctx);
      const role = roleFromEnum(req.role);
      // protovalidate keeps the role defined; the types cannot say so.
      if (!role) throw new ConnectError("field role: required", Code.InvalidArgument);
      const owner = await ownerOf(db, caller);
      const { token, issued } = await createPersonalToken(db, caller, owner, {
        name: req.name,
        role,
        ttlMs: req.ttlSeconds * 1000,
      });
      await recordAudit(db, {
        actor: caller,
        action: "token.create",
        target: issued.info.id,
        details: { via: "personal", role, name: req.name, owner: owner.name },
      });
      return { token, secret: issued.secret };
    },

    async listPersonalTokens(req, hctx) {
      const caller = getCaller(hctx);
      if (req.allUsers && caller.role !== "admin") {
        throw new ConnectError("field all_users: only admins see everyone's tokens", Code.PermissionDenied);
      }
      return { tokens: await listPersonalTokens(db, await ownerOf(db, caller), req.allUsers) };
    },

    async revokePersonalToken(req, hctx) {
      const caller = getCaller(hctx);
      const token = await revokePersonalToken(db, ctx.tokenStreams, await ownerOf(db, caller), {
        id: req.id,
        admin: caller.role === "admin",
      });
      await recordAudit(db, {
        actor: caller,
        action: "token.revoke",
        target: req.id,
        details: { via: "personal", name: token.token?.name ?? "", owner: token.owner },
      });
      return { token };
    },

    async createOwnLoginCode(_req, hctx) {
      const caller = getCaller(hctx);
      const role = caller.role || "viewer";
      const owner = await ownerOf(db, caller);
      const { code, expiresAt } = await createLoginCode(db, {
        role,
        name: `berth CLI of ${owner.name}`.slice(0, 100),
        createdBy: caller.tokenId,
        ttlMs: ownLoginCodeTtlMs,
        owner,
        identity: caller.identity,
      });
      await recordAudit(db, {
        actor: caller,
        action: "login_code.create",
        details: { role, via: "get started", owner: owner.name },
      });
      return { code, expiresAt: timestampFromMs(expiresAt), role: roleToProto(role) };
    },

    async revokeOwnToken(_req, hctx) {
      const caller = getCaller(hctx);
      await revokeToken(db, ctx.tokenStreams, caller.tokenId);
      await recordAudit(db, {
        actor: caller,
        action: "token.revoke",
        target: caller.tokenId,
        details: { via: "self" },
      });
      return {};
    },
  };
}
