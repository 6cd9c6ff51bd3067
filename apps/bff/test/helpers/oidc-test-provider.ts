/// <reference path="../types/oidc-provider.d.ts" />
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from "jose";
import Provider from "oidc-provider";

/** A person the local provider knows; any password signs them in (its development login form). */
export interface TestAccount {
  email: string;
  groups: string[];
}

/** A private signing key with its kid. */
interface SigningKey {
  jwk: JWK;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
}

/** Rewrites the claims of the ID token the token endpoint returns, re-signed with the provider's key. */
export type IdTokenTamper = (claims: JWTPayload) => JWTPayload;

/**
 * A real OIDC provider (the `oidc-provider` package) on 127.0.0.1, port 0, with its development login
 * and consent forms; its token endpoint's answers pass through this harness. Tests change its accounts, rotate its signing keys (a new provider instance at the
 * same issuer, publishing the new key first and the old one still), or have its token endpoint answer
 * with a doctored ID token signed by its own key (another audience, issuer, nonce, or an expired one).
 */
export interface OidcTestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, TestAccount>;
  /** Registers the BFF's callback URLs (builds the provider). */
  register(...redirectUris: string[]): Promise<void>;
  /** Signs with a fresh key from now on; the JWKS lists it first and keeps the old one. */
  rotateKeys(): Promise<void>;
  /** The kid ID tokens are signed with now. */
  currentKid(): string;
  /** The kid of every ID token the token endpoint issued, oldest first. */
  issuedKids: readonly string[];
  /** Doctors the ID tokens the token endpoint returns; `unpublishedKey` signs them with a key not in the JWKS. */
  tamperWith(tamper: IdTokenTamper | undefined, options?: { unpublishedKey?: boolean }): void;
  close(): Promise<void>;
}

async function newKey(): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: "RS256", use: "sig" };
  return { jwk, privateKey };
}

/** Starts the provider; `register()` it with the BFF's callback before signing in. */
export async function startOidcTestProvider(
  accounts: Record<string, TestAccount>,
): Promise<OidcTestProvider> {
  const clientId = "berth-dashboard";
  const clientSecret = `secret-${randomUUID()}`;
  const accountMap = new Map(Object.entries(accounts));
  let keys: SigningKey[] = [await newKey()];
  let redirectUris: string[] = [];
  let tamper: IdTokenTamper | undefined;
  const issuedKids: string[] = [];
  const stranger = await newKey();
  let unpublished: SigningKey | undefined;
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;

  const server = createServer((req, res) => {
    // Test controls for a provider in another process (the e2e stack): rotate keys, change a person's groups.
    if (req.method === "POST" && req.url?.startsWith("/__test__/")) {
      void control(req.url).then(
        () => res.writeHead(204).end(),
        (err: unknown) => res.writeHead(400).end(String(err)),
      );
      return;
    }
    if (!handler) {
      res.writeHead(503).end("provider not registered yet");
      return;
    }
    if (req.method === "POST" && req.url?.startsWith("/token")) rewriteTokenResponse(res, tamper);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** Captures the token endpoint's JSON, swaps its id_token for a doctored one, then sends it. */
  function rewriteTokenResponse(res: ServerResponse, change: IdTokenTamper | undefined) {
    const chunks: Buffer[] = [];
    const end = res.end.bind(res);
    res.write = ((chunk: Buffer | string) => {
      chunks.push(Buffer.from(chunk));
      return true;
    }) as ServerResponse["write"];
    res.end = ((chunk?: Buffer | string) => {
      if (chunk && typeof chunk !== "function") chunks.push(Buffer.from(chunk));
      void (async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { id_token?: string };
        if (body.id_token) issuedKids.push(String(decodeProtectedHeader(body.id_token).kid));
        if (body.id_token && change) {
          const { kid } = decodeProtectedHeader(body.id_token);
          const key = unpublished ?? keys.find((k) => k.jwk.kid === kid) ?? keys[0]!;
          body.id_token = await new SignJWT(change(decodeJwt(body.id_token)))
            .setProtectedHeader({ alg: "RS256", kid: key.jwk.kid })
            .sign(key.privateKey);
        }
        const text = JSON.stringify(body);
        res.setHeader("content-length", Buffer.byteLength(text));
        end(text);
      })();
      return res;
    }) as ServerResponse["end"];
  }

  async function control(url: string) {
    const u = new URL(url, issuer);
    if (u.pathname === "/__test__/rotate-keys") {
      keys = [await newKey(), ...keys];
      build();
      return;
    }
    const account = /^\/__test__\/accounts\/([^/]+)$/.exec(u.pathname)?.[1];
    const existing = account ? accountMap.get(account) : undefined;
    if (!account || !existing) throw new Error(`unknown control ${u.pathname}`);
    accountMap.set(account, { ...existing, groups: u.searchParams.getAll("group") });
  }

  const build = () => {
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: redirectUris,
          grant_types: ["authorization_code"],
          response_types: ["code"],
        },
      ],
      jwks: { keys: keys.map((k) => k.jwk as Record<string, unknown>) },
      cookies: { keys: [randomUUID()] },
      claims: { openid: ["sub"], email: ["email", "email_verified"], groups: ["groups"] },
      // Scope claims in the ID token itself (the BFF reads groups from it, as from Keycloak or Authentik).
      conformIdTokenClaims: false,
      features: { devInteractions: { enabled: true } },
      async findAccount(_ctx, id) {
        const account = accountMap.get(id);
        if (!account) return undefined;
        return {
          accountId: id,
          claims: () => ({ sub: id, email: account.email, email_verified: true, groups: account.groups }),
        };
      },
    });
    handler = provider.callback();
  };

  return {
    issuer,
    clientId,
    clientSecret,
    accounts: accountMap,
    async register(...uris) {
      redirectUris = uris;
      build();
    },
    async rotateKeys() {
      await control("/__test__/rotate-keys");
    },
    currentKid: () => String(keys[0]?.jwk.kid),
    issuedKids,
    tamperWith(next, options) {
      tamper = next;
      unpublished = options?.unpublishedKey ? stranger : undefined;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
