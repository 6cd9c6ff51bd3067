import { readFile } from "node:fs/promises";
import type { Session } from "../sessions/session-store.js";

/** One group → role or claim → role rule; the first rule that matches a person decides their role. */
export type RoleRule =
  | { group: string; role: Session["role"] }
  | {
      claim: string;
      equals: string | number | boolean;
      /** Dashboard rules hold text: a number or boolean claim then matches its text ("true", "42"). */
      asText?: true;
      role: Session["role"];
    }
  | { claim: string; matches: RegExp; role: Session["role"] };

/** An OIDC provider people may sign in with. */
export interface OidcProviderConfig {
  /** In URLs (/auth/oidc/<id>/callback) and on the audit trail: [a-z0-9-]. */
  id: string;
  /** On the login page's button: "Sign in with <displayName>". */
  displayName: string;
  issuer: URL;
  clientId: string;
  clientSecret: string;
  /** Always includes "openid". */
  scopes: string[];
  /** Where the ID token lists the person's groups; a dotted path such as "realm_access.roles". */
  groupsClaim: string;
  rules: RoleRule[];
}

/** Where sign-in through OIDC providers is configured (`--oidc-config`, BERTH_OIDC_CONFIG). */
export interface OidcConfig {
  providers: OidcProviderConfig[];
}

const roles = ["viewer", "deployer", "admin"] as const;
const idPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;
const loopbackHosts = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** A configuration mistake, naming the file and the field. */
export class OidcConfigError extends Error {
  constructor(source: string, path: string, problem: string) {
    super(`${source}: ${path}: ${problem}`);
    this.name = "OidcConfigError";
  }
}

type Json = Record<string, unknown>;

/** Reads and checks an OIDC configuration file (JSON). */
export async function loadOidcConfig(file: string): Promise<OidcConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new Error(`${file}: cannot read the OIDC configuration (${(cause as Error).message})`, { cause });
  }
  return parseOidcConfig(text, file);
}

/** Parses and checks an OIDC configuration; errors name `source` and the field, never a secret's value. */
export function parseOidcConfig(text: string, source: string): OidcConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new OidcConfigError(source, "(file)", `not JSON (${(cause as Error).message})`);
  }
  const fail = (path: string, problem: string): never => {
    throw new OidcConfigError(source, path, problem);
  };
  const object = (value: unknown, path: string): Json =>
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Json)
      : fail(path, "must be an object");
  const string = (o: Json, key: string, path: string, optional = false): string => {
    const v = o[key];
    if (v === undefined && optional) return "";
    if (typeof v !== "string" || v.trim() === "") return fail(`${path}.${key}`, "must be a non-empty string");
    return v;
  };
  const only = (o: Json, keys: string[], path: string) => {
    for (const k of Object.keys(o))
      if (!keys.includes(k)) fail(`${path}.${k}`, `unknown field; known: ${keys.join(", ")}`);
  };

  const top = object(raw, "(file)");
  only(top, ["providers"], "(file)");
  if (!Array.isArray(top.providers)) fail("providers", "must be an array of providers");
  const seen = new Set<string>();
  const providers = (top.providers as unknown[]).map((entry, i): OidcProviderConfig => {
    const path = `providers[${i}]`;
    const p = object(entry, path);
    only(
      p,
      ["id", "displayName", "issuer", "clientId", "clientSecret", "scopes", "groupsClaim", "rules"],
      path,
    );
    const id = string(p, "id", path);
    if (!idPattern.test(id)) fail(`${path}.id`, `"${id}" must be lowercase letters, digits and dashes`);
    if (seen.has(id)) fail(`${path}.id`, `"${id}" is used by another provider`);
    seen.add(id);
    const issuerText = string(p, "issuer", path);
    let issuer: URL;
    try {
      issuer = new URL(issuerText);
    } catch {
      return fail(`${path}.issuer`, `"${issuerText}" is not a URL`);
    }
    // Plain http only where it cannot leave the machine (a provider for local tests).
    if (
      issuer.protocol !== "https:" &&
      !(issuer.protocol === "http:" && loopbackHosts.has(issuer.hostname))
    ) {
      fail(`${path}.issuer`, `"${issuerText}" must be an https URL (http only on 127.0.0.1 or localhost)`);
    }
    const scopes = p.scopes === undefined ? ["openid", "email", "profile"] : p.scopes;
    if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== "string" || !/^[\x21-\x7e]+$/.test(s))) {
      fail(`${path}.scopes`, 'must be an array of scope names, e.g. ["openid", "email", "groups"]');
    }
    const scopeList = scopes as string[];
    if (!Array.isArray(p.rules) || p.rules.length === 0) {
      fail(`${path}.rules`, 'must list at least one rule, e.g. {"group": "deployers", "role": "deployer"}');
    }
    return {
      id,
      displayName: string(p, "displayName", path),
      issuer,
      clientId: string(p, "clientId", path),
      clientSecret: string(p, "clientSecret", path),
      scopes: scopeList.includes("openid") ? scopeList : ["openid", ...scopeList],
      groupsClaim: string(p, "groupsClaim", path, true) || "groups",
      rules: (p.rules as unknown[]).map((r, j) =>
        parseRule(object(r, `${path}.rules[${j}]`), `${path}.rules[${j}]`),
      ),
    };

    function parseRule(r: Json, at: string): RoleRule {
      const role = r.role;
      if (typeof role !== "string" || !(roles as readonly string[]).includes(role)) {
        return fail(`${at}.role`, `must be one of ${roles.join(", ")}`);
      }
      const typedRole = role as Session["role"];
      if (r.group !== undefined) {
        only(r, ["group", "role"], at);
        return { group: string(r, "group", at), role: typedRole };
      }
      if (r.claim === undefined) return fail(at, 'needs "group" or "claim"');
      const claim = string(r, "claim", at);
      if (r.matches !== undefined) {
        only(r, ["claim", "matches", "role"], at);
        const pattern = string(r, "matches", at);
        try {
          return { claim, matches: new RegExp(pattern, "u"), role: typedRole };
        } catch (cause) {
          return fail(`${at}.matches`, `not a regular expression (${(cause as Error).message})`);
        }
      }
      only(r, ["claim", "equals", "role"], at);
      const equals = r.equals;
      if (typeof equals !== "string" && typeof equals !== "number" && typeof equals !== "boolean") {
        return fail(at, 'a claim rule needs "equals" (a string, number or boolean) or "matches" (a regex)');
      }
      return { claim, equals, role: typedRole };
    }
  });
  return { providers };
}
