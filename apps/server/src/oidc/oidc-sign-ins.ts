// Who signed in through a provider: the tokens minted for its sign-ins carry the person's identity.
import { type OidcSignIn, OidcSignInSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { Kysely } from "kysely";
import type { Role } from "../auth/caller.js";
import { identityFromJson } from "../auth/external-identity.js";
import type { Database } from "../store/schema.js";
import { roleFromName } from "./oidc-provider-protos.js";

/** The newest sign-in tokens read per provider: a page for people, not an export. */
const tokenLimit = 5000;

/**
 * One row per person (issuer + subject) who signed in through `provider`, most recently seen first: their
 * latest email, groups and role, when they last signed in, last seen, and how many of their sessions live.
 */
export async function listSignIns(
  db: Kysely<Database>,
  provider: string,
  now = Date.now(),
): Promise<OidcSignIn[]> {
  // identityToJson writes "provider" first with JSON.stringify's quoting; provider ids are [a-z0-9-],
  // so the pattern has no LIKE wildcard in it. Each row is parsed again below to be sure.
  const rows = await db
    .selectFrom("tokens")
    .select(["identity_json", "role", "created_at", "expires_at", "revoked_at", "last_used_at"])
    .where("identity_json", "like", `{"provider":${JSON.stringify(provider)},%`)
    .orderBy("created_at", "desc")
    .limit(tokenLimit)
    .execute();
  const people = new Map<string, { latest: (typeof rows)[number]; lastSeen: number; live: number }>();
  for (const row of rows) {
    const identity = identityFromJson(row.identity_json);
    if (!identity || identity.provider !== provider) continue;
    const key = `${identity.issuer}\n${identity.subject}`;
    const person = people.get(key) ?? { latest: row, lastSeen: 0, live: 0 };
    person.lastSeen = Math.max(person.lastSeen, Number(row.last_used_at ?? 0));
    const expiresAt = row.expires_at === null ? Number.POSITIVE_INFINITY : Number(row.expires_at);
    if (row.revoked_at === null && expiresAt > now) person.live++;
    people.set(key, person);
  }
  return [...people.values()]
    .sort(
      (a, b) =>
        Math.max(b.lastSeen, Number(b.latest.created_at)) - Math.max(a.lastSeen, Number(a.latest.created_at)),
    )
    .map(({ latest, lastSeen, live }) => {
      const identity = identityFromJson(latest.identity_json);
      return create(OidcSignInSchema, {
        subject: identity?.subject ?? "",
        email: identity?.email ?? "",
        groups: identity?.groups ?? [],
        role: roleFromName(latest.role as Role),
        signedInAt: timestampFromMs(Number(latest.created_at)),
        lastSeenAt: lastSeen > 0 ? timestampFromMs(lastSeen) : undefined,
        liveSessions: live,
      });
    });
}
