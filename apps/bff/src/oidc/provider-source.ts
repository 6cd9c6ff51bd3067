import { OidcProviderService } from "@berth/proto";
import { Code, ConnectError } from "@connectrpc/connect";
import type { FastifyBaseLogger } from "fastify";
import type { Upstream } from "../plugins/app/upstream.js";
import {
  createOidcClient,
  type OidcClient,
  ProviderUnavailableError,
  SignInRefusedError,
} from "./oidc-client.js";
import type { OidcProviderConfig } from "./oidc-config.js";
import { clientFingerprint, providerFromServer } from "./stored-provider.js";

const upstreamTimeoutMs = 10_000;

/** The providers people may sign in with now: the BFF's file, then those enabled on the server. */
export interface ProviderSource {
  /** Every usable provider, read from the server now (the last list it gave when it cannot be reached). */
  list(): Promise<OidcClient[]>;
  /** One provider by id, read fresh the same way; undefined when there is none or it is disabled. */
  get(id: string): Promise<OidcClient | undefined>;
}

export interface ProviderSourceOptions {
  /** Providers from BERTH_OIDC_CONFIG: always there, never changed. */
  fileProviders: OidcProviderConfig[];
  upstream: Upstream;
  /** The BFF's admin token; without one, only the file's providers exist. */
  serviceToken: string;
  log: FastifyBaseLogger;
}

/**
 * Reads the server's providers on every sign-in step, so a provider added, changed or disabled in the
 * dashboard counts from the next sign-in without a BFF restart. What is cached is each provider's client
 * (its discovery and keys), rebuilt when its issuer, client id or scopes change; concurrent reads share one
 * call. A file provider's id wins over a server provider with the same id.
 */
export function createProviderSource(options: ProviderSourceOptions): ProviderSource {
  const { upstream, serviceToken, log } = options;
  const service = upstream.client(OidcProviderService);
  const fromFile = options.fileProviders.map((p) => createOidcClient(p));
  const fileIds = new Set(options.fileProviders.map((p) => p.id));
  const cached = new Map<string, { fingerprint: string; client: OidcClient }>();
  let lastKnown: OidcClient[] = [];
  let inFlight: Promise<OidcClient[]> | undefined;

  const redeemer = (id: string) => async (callbackUrl: URL, checks: Parameters<OidcClient["finish"]>[1]) => {
    try {
      const res = await service.redeemOidcCode(
        { id, callbackUrl: callbackUrl.href, ...checks },
        { ...upstream.callOptions(serviceToken), timeoutMs: upstreamTimeoutMs },
      );
      return { claims: JSON.parse(res.claimsJson), expiresAt: Number(res.expiresAt?.seconds ?? 0n) * 1000 };
    } catch (err) {
      const error = ConnectError.from(err);
      if (error.code === Code.FailedPrecondition || error.code === Code.NotFound) {
        throw new SignInRefusedError(error.rawMessage, { cause: error });
      }
      throw new ProviderUnavailableError(
        error.code === Code.Unavailable ? error.rawMessage : "the Berth server could not finish the sign-in",
        { cause: error },
      );
    }
  };

  const fetchServer = async (): Promise<OidcClient[]> => {
    if (!serviceToken) return [];
    try {
      const { providers } = await service.listOidcProviders(
        {},
        { ...upstream.callOptions(serviceToken), timeoutMs: upstreamTimeoutMs },
      );
      const clients: OidcClient[] = [];
      for (const p of providers) {
        if (!p.enabled) continue;
        if (fileIds.has(p.id)) {
          log.warn({ provider: p.id }, "a provider in the OIDC file has this id; the server's is ignored");
          continue;
        }
        const fingerprint = clientFingerprint(p);
        let entry = cached.get(p.id);
        if (!entry || entry.fingerprint !== fingerprint) {
          entry = { fingerprint, client: createOidcClient(providerFromServer(p), redeemer(p.id)) };
          cached.set(p.id, entry);
        }
        // The name, rules and groups claim change without a new client: the routes read them per sign-in.
        const { displayName, rules, groupsClaim } = providerFromServer(p);
        Object.assign(entry.client.provider, { displayName, rules, groupsClaim });
        clients.push(entry.client);
      }
      for (const id of cached.keys()) if (!clients.some((c) => c.provider.id === id)) cached.delete(id);
      lastKnown = clients;
      return clients;
    } catch (err) {
      log.warn({ err }, "could not read the sign-in providers from the server; using the last list it gave");
      return lastKnown;
    }
  };

  const list = async () => {
    inFlight ??= fetchServer().finally(() => {
      inFlight = undefined;
    });
    return [...fromFile, ...(await inFlight)];
  };

  return {
    list,
    async get(id) {
      return (await list()).find((c) => c.provider.id === id);
    },
  };
}
