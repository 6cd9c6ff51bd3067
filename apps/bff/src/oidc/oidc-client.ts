import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";
import * as client from "openid-client";
import type { OidcProviderConfig } from "./oidc-config.js";

/** The secrets one sign-in attempt is bound to (kept in the flow cookie between start and callback). */
export interface SignInChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** A person as the provider vouched for them: the ID token's verified claims. */
export interface VerifiedSignIn {
  claims: JWTPayload & Record<string, unknown>;
  /** When the ID token expires (epoch ms): the session ends then. */
  expiresAt: number;
}

/**
 * Redeems the code with a client secret the BFF never sees (a provider stored by the server:
 * OidcProviderService.RedeemOidcCode). Throws SignInRefusedError or ProviderUnavailableError.
 */
export type RedeemCode = (callbackUrl: URL, checks: SignInChecks) => Promise<VerifiedSignIn>;

/** Sign-in through one provider: discovery, the authorization request and the code exchange. */
export interface OidcClient {
  readonly provider: OidcProviderConfig;
  /** Where the provider is configured: the BFF's file, or the server (the dashboard). */
  readonly source: "file" | "server";
  /** Fresh state, nonce and PKCE verifier for a new attempt. */
  newChecks(): SignInChecks;
  /** Where to send the browser to sign in. */
  authorizationUrl(redirectUri: string, checks: SignInChecks): Promise<URL>;
  /**
   * Exchanges the code the provider sent back for an ID token and verifies it: state, nonce, PKCE,
   * issuer, audience, expiry (openid-client) and the signature against the provider's current keys.
   */
  finish(callbackUrl: URL, checks: SignInChecks): Promise<VerifiedSignIn>;
}

/** A refusal of the provider's answer, in words for the person signing in. */
export class SignInRefusedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SignInRefusedError";
  }
}

/** The provider could not be reached or answered nonsense at discovery. */
export class ProviderUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ProviderUnavailableError";
  }
}

const timeoutSeconds = 10;

/**
 * Creates the client of one provider; discovery happens on first use and is retried after a failure.
 * With `redeem`, the code exchange and the ID token's checks happen there (the server holds the secret),
 * and this client only builds authorization URLs.
 */
export function createOidcClient(provider: OidcProviderConfig, redeem?: RedeemCode): OidcClient {
  let discovered: Promise<client.Configuration> | undefined;
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  const configuration = () => {
    discovered ??= (async () => {
      const insecure = provider.issuer.protocol === "http:";
      const config = await client.discovery(
        provider.issuer,
        provider.clientId,
        undefined,
        redeem ? client.None() : client.ClientSecretBasic(provider.clientSecret),
        { timeout: timeoutSeconds, ...(insecure ? { execute: [client.allowInsecureRequests] } : {}) },
      );
      const jwksUri = config.serverMetadata().jwks_uri;
      if (!jwksUri) throw new Error(`${provider.issuer} publishes no jwks_uri`);
      // No cooldown: an unknown key id means the provider rotated its keys, and only ID tokens that came
      // straight from its token endpoint ever get here, so refetching cannot be forced by a stranger.
      jwks = createRemoteJWKSet(new URL(jwksUri), {
        cooldownDuration: 0,
        timeoutDuration: timeoutSeconds * 1000,
      });
      return config;
    })().catch((cause: unknown) => {
      discovered = undefined;
      throw new ProviderUnavailableError(
        `${provider.displayName} (${provider.issuer}) could not be reached for discovery`,
        { cause },
      );
    });
    return discovered;
  };

  return {
    provider,
    source: redeem ? "server" : "file",
    newChecks() {
      return {
        state: client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier: client.randomPKCECodeVerifier(),
      };
    },

    async authorizationUrl(redirectUri, checks) {
      const config = await configuration();
      return client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: provider.scopes.join(" "),
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: "S256",
      });
    },

    async finish(callbackUrl, checks) {
      if (redeem) return redeem(callbackUrl, checks);
      const config = await configuration();
      let idToken: string | undefined;
      try {
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        idToken = tokens.id_token;
      } catch (cause) {
        throw refusal(cause);
      }
      if (!idToken || !jwks) throw new SignInRefusedError("the provider sent no ID token");
      try {
        const { payload } = await jwtVerify(idToken, jwks, {
          issuer: config.serverMetadata().issuer,
          audience: provider.clientId,
          requiredClaims: ["sub", "exp"],
        });
        return { claims: payload as VerifiedSignIn["claims"], expiresAt: (payload.exp ?? 0) * 1000 };
      } catch (cause) {
        throw new SignInRefusedError(`the ID token did not verify (${(cause as Error).message})`, { cause });
      }
    },
  };
}

/** openid-client's errors say which check failed; they name no secret, so they can be shown. */
function refusal(cause: unknown): Error {
  if (cause instanceof client.ResponseBodyError) {
    return new SignInRefusedError(`the provider refused the code (${cause.error})`, { cause });
  }
  if (cause instanceof client.AuthorizationResponseError) {
    return new SignInRefusedError(
      `the provider said ${cause.error}${cause.error_description ? `: ${cause.error_description}` : ""}`,
      { cause },
    );
  }
  if (cause instanceof client.ClientError) {
    // openid-client's message is the class of check ("unexpected JWT claim value encountered"); the
    // oauth4webapi error it wraps names the claim or parameter ("unexpected JWT "aud" (audience) claim value").
    const detail = cause.cause instanceof Error ? cause.cause.message : cause.message;
    return new SignInRefusedError(`the provider's answer did not check out: ${detail}`, { cause });
  }
  return new ProviderUnavailableError("the provider could not be reached to finish the sign-in", { cause });
}
