// The "Test" action: discovery against an issuer, reported in words, signing nobody in.
import { type TestOidcProviderResponse, TestOidcProviderResponseSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";

const timeoutMs = 10_000;

/** Fetches JSON; throws an Error whose message says what went wrong, in words. */
async function fetchJson(url: string, what: string, signal: AbortSignal): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(url, {
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      redirect: "error",
    });
  } catch (cause) {
    const reason =
      cause instanceof Error && cause.name === "TimeoutError"
        ? `no answer within ${timeoutMs / 1000} s`
        : describeFetchError(cause);
    throw new Error(`${what} ${url} could not be fetched: ${reason}`);
  }
  if (!res.ok) throw new Error(`${what} ${url} answered HTTP ${res.status}`);
  try {
    const body: unknown = await res.json();
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Error("not an object");
    return body as Record<string, unknown>;
  } catch {
    throw new Error(`${what} ${url} is not a JSON object`);
  }
}

/** "connection refused", "host not found"… from undici's error chain. */
function describeFetchError(cause: unknown): string {
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
  const code = (inner as { code?: string } | undefined)?.code;
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host not found";
  if (code?.startsWith("ERR_TLS") || code?.includes("CERT")) return `TLS failed (${code})`;
  return inner instanceof Error ? inner.message : String(inner);
}

/**
 * Reads `<issuer>/.well-known/openid-configuration` as the BFF's sign-in will, checks that it names this
 * issuer and the endpoints sign-in needs, and counts the keys its JWKS publishes.
 */
export async function discoverIssuer(issuer: string, signal: AbortSignal): Promise<TestOidcProviderResponse> {
  const wellKnown = `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
  try {
    const doc = await fetchJson(wellKnown, "the discovery document", signal);
    const text = (key: string) => (typeof doc[key] === "string" ? (doc[key] as string) : "");
    const found = {
      issuer: text("issuer"),
      authorizationEndpoint: text("authorization_endpoint"),
      tokenEndpoint: text("token_endpoint"),
      jwksUri: text("jwks_uri"),
    };
    if (found.issuer !== issuer) {
      return fail(
        `the discovery document names issuer "${found.issuer}", not "${issuer}" (they must match exactly, trailing slash included)`,
        found,
      );
    }
    const missing = Object.entries({
      authorization_endpoint: found.authorizationEndpoint,
      token_endpoint: found.tokenEndpoint,
      jwks_uri: found.jwksUri,
    })
      .filter(([, v]) => v === "")
      .map(([k]) => k);
    if (missing.length > 0) return fail(`the discovery document lacks ${missing.join(", ")}`, found);
    const jwks = await fetchJson(found.jwksUri, "the key set", signal);
    const keyCount = Array.isArray(jwks.keys) ? jwks.keys.length : 0;
    if (keyCount === 0) return fail(`the key set ${found.jwksUri} lists no keys`, found);
    return create(TestOidcProviderResponseSchema, {
      ok: true,
      message: `${issuer} is reachable: authorization, token and key endpoints found, ${keyCount} signing key${keyCount === 1 ? "" : "s"} published`,
      ...found,
      keyCount,
    });
  } catch (err) {
    if (signal.aborted) throw err;
    return fail((err as Error).message, {});
  }
}

interface Found {
  issuer?: string;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  jwksUri?: string;
}

function fail(message: string, found: Found): TestOidcProviderResponse {
  return create(TestOidcProviderResponseSchema, { ...found, ok: false, message });
}
