import { Role as RoleEnum, type TokenInfo, TokenInfoSchema, TokenKind } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { Selectable } from "kysely";
import type { TokenTable } from "../store/schema.js";
import type { TokenKind as KindName, Role } from "./caller.js";
import { identityFromJson } from "./external-identity.js";

const kindToEnum: Record<KindName, TokenKind> = {
  login: TokenKind.LOGIN,
  router: TokenKind.ROUTER,
  runner: TokenKind.RUNNER,
  entrypoint: TokenKind.ENTRYPOINT,
  replica: TokenKind.REPLICA,
};
const roleToEnum: Record<Role, RoleEnum> = {
  viewer: RoleEnum.VIEWER,
  deployer: RoleEnum.DEPLOYER,
  admin: RoleEnum.ADMIN,
};

/** The stored kind name of a TokenKind enum value, or undefined for UNSPECIFIED. */
export function kindFromEnum(kind: TokenKind): KindName | undefined {
  return (Object.keys(kindToEnum) as KindName[]).find((k) => kindToEnum[k] === kind);
}

/** The stored role name of a Role enum value, or undefined for UNSPECIFIED. */
export function roleFromEnum(role: RoleEnum): Role | undefined {
  return (Object.keys(roleToEnum) as Role[]).find((r) => roleToEnum[r] === role);
}

/** The Role enum value of a stored role name. */
export function roleToProto(role: Role): RoleEnum {
  return roleToEnum[role];
}

/** Maps a tokens row to the API's TokenInfo (never the hash). */
export function toTokenInfo(row: Selectable<TokenTable>): TokenInfo {
  return create(TokenInfoSchema, {
    id: row.id,
    kind: kindToEnum[row.kind as KindName] ?? TokenKind.UNSPECIFIED,
    role: roleToEnum[row.role as Role] ?? RoleEnum.UNSPECIFIED,
    name: row.name,
    deploymentId: row.deployment_id,
    createdAt: timestampFromMs(row.created_at),
    expiresAt: row.expires_at === null ? undefined : timestampFromMs(row.expires_at),
    revokedAt: row.revoked_at === null ? undefined : timestampFromMs(row.revoked_at),
    identity: identityFromJson(row.identity_json),
    lastUsedAt: row.last_used_at === null ? undefined : timestampFromMs(row.last_used_at),
  });
}
