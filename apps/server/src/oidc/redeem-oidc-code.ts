// The code exchange of a sign-in through a stored provider: done here, so its client secret never leaves.
import { Code, ConnectError } from "@connectrpc/connect";
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";
import * as client from "openid-client";
import type { StoredProvider } from "./oidc-providers.js";

const timeoutSeconds = 10;

/** What the BFF bound the attempt to (its flow cookie). */
export interface RedeemChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/**
 * Redeems the code in `callbackUrl` and verifies the ID token: state, nonce, PKCE, issuer, audience and
 * expiry (openid-client), and its signature against the provider's current keys (fetched fresh, so key
 * rotation needs nothing). FailedPrecondition says why an answer was refused; Unavailable, that the
 * provider could not be reached.
 */
export async function redeemOidcCode(
  provider: StoredProvider,
  callbackUrl: URL,
  checks: RedeemChecks,
): Promise<{ claims: JWTPayload; expiresAt: number }> {
  let config: client.Configuration;
  try {
    config = await client.discovery(
      new URL(provider.issuer),
      provider.clientId,
      undefined,
      client.ClientSecretBasic(provider.clientSecret),
      {
        timeout: timeoutSeconds,
        ...(new URL(provider.issuer).protocol === "http:" ? { execute: [client.allowInsecureRequests] } : {}),
      },
    );
  } catch (cause) {
    throw new ConnectError(
      `${provider.issuer} could not be reached for discovery`,
      Code.Unavailable,
      undefined,
      undefined,
      cause,
    );
  }
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
  const jwksUri = config.serverMetadata().jwks_uri;
  if (!idToken) throw new ConnectError("the provider sent no ID token", Code.FailedPrecondition);
  if (!jwksUri) throw new ConnectError(`${provider.issuer} publishes no jwks_uri`, Code.FailedPrecondition);
  try {
    const jwks = createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: timeoutSeconds * 1000 });
    const { payload } = await jwtVerify(idToken, jwks, {
      issuer: config.serverMetadata().issuer,
      audience: provider.clientId,
      requiredClaims: ["sub", "exp"],
    });
    return { claims: payload, expiresAt: (payload.exp ?? 0) * 1000 };
  } catch (cause) {
    throw new ConnectError(
      `the ID token did not verify (${(cause as Error).message})`,
      Code.FailedPrecondition,
      undefined,
      undefined,
      cause,
    );
  }
}

/** openid-client's errors say which check failed and name no secret, so they can be passed on. */
function refusal(cause: unknown): ConnectError {
  const refused = (message: string) =>
    new ConnectError(message, Code.FailedPrecondition, undefined, undefined, cause);
  if (cause instanceof client.ResponseBodyError)
    return refused(`the provider refused the code (${cause.error})`);
  if (cause instanceof client.AuthorizationResponseError) {
    return refused(
      `the provider said ${cause.error}${cause.error_description ? `: ${cause.error_description}` : ""}`,
    );
  }
  if (cause instanceof client.ClientError) {
    const detail = cause.cause instanceof Error ? cause.cause.message : cause.message;
    return refused(`the provider's answer did not check out: ${detail}`);
  }
  return new ConnectError(
    "the provider could not be reached to finish the sign-in",
    Code.Unavailable,
    undefined,
    undefined,
    cause,
  );
}
