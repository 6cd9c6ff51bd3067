/** A person as an OIDC provider vouched for them at sign-in (see ExternalIdentity in common.proto). */
export interface ExternalIdentity {
  provider: string;
  issuer: string;
  subject: string;
  email: string;
  groups: string[];
}

/** The stored form of an identity (a JSON text column); null for tokens that have none. */
export function identityToJson(identity: ExternalIdentity | undefined): string | null {
  if (!identity) return null;
  const { provider, issuer, subject, email, groups } = identity;
  return JSON.stringify({ provider, issuer, subject, email, groups });
}

/**
 * The identity a stored JSON text holds, or undefined for none. A row that does not parse reads as
 * no identity rather than failing every call its token makes; the audit trail keeps the token id anyway.
 */
export function identityFromJson(text: string | null | undefined): ExternalIdentity | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<ExternalIdentity>;
    if (typeof v.issuer !== "string" || typeof v.subject !== "string") return undefined;
    return {
      provider: String(v.provider ?? ""),
      issuer: v.issuer,
      subject: v.subject,
      email: String(v.email ?? ""),
      groups: Array.isArray(v.groups) ? v.groups.map(String) : [],
    };
  } catch {
    return undefined;
  }
}
