import { AuthService, ConfigService, ProjectService } from "@berth/proto";
import { Health, HealthCheckResponse_ServingStatus } from "@berth/proto/grpc/health";
import { Code, createClient, createRouterTransport, type Interceptor } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerKey } from "../auth/caller.js";
import { createTokenStreams } from "../auth/token-streams.js";
import { issueToken, revokeToken } from "../auth/tokens.js";
import { openStore, type Store } from "../store/open-store.js";
import { bearerToken, createAuthInterceptor } from "./auth-interceptor.js";

let store: Store;
const streams = createTokenStreams();
beforeAll(async () => {
  store = await openStore({ path: ":memory:" });
});
afterAll(async () => {
  await store.close();
});

const withToken =
  (secret: string | undefined): Interceptor =>
  (next) =>
  (req) => {
    if (secret) req.header.set("authorization", `Bearer ${secret}`);
    return next(req);
  };

/** An in-memory Connect stack: the real auth interceptor and store in front of stub handlers. */
function clients(secret: string | undefined) {
  const transport = createRouterTransport(
    (router) => {
      router.service(ProjectService, {
        listProjects: (_req, ctx) => ({ projects: [{ name: ctx.values.get(callerKey)?.name ?? "" }] }),
      });
      router.service(ConfigService, { setConfigVars: () => ({}) });
      router.service(AuthService, { redeemLoginCode: () => ({}), listTokens: () => ({}) });
    },
    {
      router: { interceptors: [createAuthInterceptor({ db: store.db, streams })] },
      transport: { interceptors: [withToken(secret)] },
    },
  );
  return {
    projects: createClient(ProjectService, transport),
    config: createClient(ConfigService, transport),
    auth: createClient(AuthService, transport),
  };
}

describe("createAuthInterceptor", () => {
  it("lets a viewer list projects and hands the caller to the handler", async () => {
    const { secret } = await issueToken(store.db, { kind: "login", role: "viewer", name: "vera" });
    const res = await clients(secret).projects.listProjects({});
    expect(res.projects[0]?.name).toBe("vera");
  });

  it("says Unauthenticated without a token, naming the method", async () => {
    await expect(clients(undefined).projects.listProjects({})).rejects.toMatchObject({
      code: Code.Unauthenticated,
      rawMessage: expect.stringContaining("berth.v1.ProjectService/ListProjects needs a token"),
    });
  });

  it("says Unauthenticated for unknown, revoked and expired tokens", async () => {
    await expect(clients("berth_nope").projects.listProjects({})).rejects.toMatchObject({
      code: Code.Unauthenticated,
    });
    const revoked = await issueToken(store.db, { kind: "login", role: "admin", name: "gone" });
    await revokeToken(store.db, streams, revoked.info.id);
    await expect(clients(revoked.secret).projects.listProjects({})).rejects.toMatchObject({
      code: Code.Unauthenticated,
    });
    const expired = await issueToken(store.db, { kind: "login", role: "admin", name: "old" });
    await store.db
      .updateTable("tokens")
      .set({ expires_at: Date.now() - 1 })
      .where("id", "=", expired.info.id)
      .execute();
    await expect(clients(expired.secret).projects.listProjects({})).rejects.toMatchObject({
      code: Code.Unauthenticated,
    });
  });

  it("denies an entrypoint token ListProjects, naming the kind it needs", async () => {
    const { secret } = await issueToken(store.db, { kind: "entrypoint", name: "web v3", deploymentId: "d1" });
    await expect(clients(secret).projects.listProjects({})).rejects.toMatchObject({
      code: Code.PermissionDenied,
      rawMessage: 'berth.v1.ProjectService/ListProjects needs a login token; "web v3" is an entrypoint token',
    });
  });

  it("denies a viewer setting config, naming the role it needs", async () => {
    const { secret } = await issueToken(store.db, { kind: "login", role: "viewer", name: "vic" });
    await expect(
      clients(secret).config.setConfigVars({ scope: 1, project: "shop", set: [] }),
    ).rejects.toMatchObject({
      code: Code.PermissionDenied,
      rawMessage:
        'berth.v1.ConfigService/SetConfigVars needs role deployer or higher; token "vic" has role viewer',
    });
  });

  it("lets anyone call a public method and denies methods missing from the policy", async () => {
    await expect(clients(undefined).auth.redeemLoginCode({ code: "x".repeat(20) })).resolves.toBeDefined();
    const transport = createRouterTransport(
      (router) => router.service(ProjectService, { listProjects: () => ({}) }),
      {
        router: { interceptors: [createAuthInterceptor({ db: store.db, streams, policies: {} })] },
      },
    );
    await expect(createClient(ProjectService, transport).listProjects({})).rejects.toMatchObject({
      code: Code.PermissionDenied,
      rawMessage: expect.stringContaining("missing from the auth policy"),
    });
  });
});

describe("streams under a token", () => {
  /** A Health.Watch that sends one message, then waits for its signal only (or, with `deaf`, for nothing). */
  function watchClient(secret: string, opts: { deaf?: boolean } = {}) {
    const handlerSignals: AbortSignal[] = [];
    const transport = createRouterTransport(
      (router) =>
        router.service(Health, {
          async *watch(_req, ctx) {
            handlerSignals.push(ctx.signal);
            yield { status: HealthCheckResponse_ServingStatus.SERVING };
            await new Promise((resolve) => {
              if (!opts.deaf) ctx.signal.addEventListener("abort", resolve);
            });
          },
        }),
      {
        router: {
          interceptors: [
            createAuthInterceptor({
              db: store.db,
              streams,
              policies: { "grpc.health.v1.Health/Watch": { kinds: ["login"] } },
            }),
          ],
        },
        transport: { interceptors: [withToken(secret)] },
      },
    );
    const it = createClient(Health, transport).watch({})[Symbol.asyncIterator]();
    return { it, handlerSignals };
  }

  it("ends a stream, even one whose handler ignores its signal, when its token is revoked", async () => {
    const revoked = await issueToken(store.db, { kind: "login", role: "viewer", name: "leaver" });
    const other = await issueToken(store.db, { kind: "login", role: "viewer", name: "stayer" });
    const gone = watchClient(revoked.secret, { deaf: true });
    const kept = watchClient(other.secret);
    await gone.it.next();
    await kept.it.next();
    const ended = gone.it.next();
    await revokeToken(store.db, streams, revoked.info.id);
    await expect(ended).rejects.toMatchObject({ code: Code.Unauthenticated, rawMessage: "token revoked" });
    expect(gone.handlerSignals[0]?.aborted).toBe(true);
    expect(kept.handlerSignals[0]?.aborted).toBe(false);
    await kept.it.return?.();
  });

  it("ends a stream when its token expires", async () => {
    const expiring = await issueToken(store.db, {
      kind: "login",
      role: "viewer",
      name: "brief",
      ttlMs: 300,
    });
    const { it: stream } = watchClient(expiring.secret);
    await stream.next();
    await expect(stream.next()).rejects.toMatchObject({
      code: Code.Unauthenticated,
      rawMessage: "token expired",
    });
  });
});

describe("bearerToken", () => {
  it("parses the Authorization header", () => {
    expect(bearerToken("Bearer berth_abc")).toBe("berth_abc");
    expect(bearerToken("bearer  berth_abc ")).toBe("berth_abc");
    expect(bearerToken("Basic abc")).toBeUndefined();
    expect(bearerToken(null)).toBeUndefined();
  });
});
