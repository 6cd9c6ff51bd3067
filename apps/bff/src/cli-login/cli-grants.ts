import { createHash, randomBytes } from "node:crypto";
import { secretMatches } from "../security/secret-matches.js";

/** A token waiting for the CLI that asked for it to collect it. */
interface PendingGrant {
  /** base64url(sha256(verifier)): only the CLI that started the login knows the verifier. */
  challenge: string;
  secret: string;
  expiresAt: number;
}

/** One-time codes the browser carries to the CLI's loopback listener, each redeemable once with the CLI's verifier. */
export interface CliGrants {
  /** Parks a token for the CLI and returns the code the browser hands over. */
  issue(challenge: string, secret: string): string;
  /** The parked token, once, if the code is live and the verifier matches its challenge. */
  redeem(code: string, verifier: string): string | undefined;
}

/** The PKCE S256 transform (RFC 7636): what the CLI sends up front for the verifier it keeps. */
export function challengeOf(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

/** Creates the in-memory grant table (a code lives `ttlMs`, one minute by default). */
export function createCliGrants(options: { ttlMs?: number; now?: () => number } = {}): CliGrants {
  const ttlMs = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  const grants = new Map<string, PendingGrant>();
  const sweep = (t: number) => {
    for (const [code, grant] of grants) if (grant.expiresAt <= t) grants.delete(code);
  };
  return {
    issue(challenge, secret) {
      const t = now();
      sweep(t);
      const code = randomBytes(32).toString("base64url");
      grants.set(code, { challenge, secret, expiresAt: t + ttlMs });
      return code;
    },
    redeem(code, verifier) {
      const grant = grants.get(code);
      // A wrong verifier burns the code too: whoever holds a stolen code gets one guess.
      grants.delete(code);
      if (!grant || grant.expiresAt <= now()) return undefined;
      return secretMatches(challengeOf(verifier), grant.challenge) ? grant.secret : undefined;
    },
  };
}
