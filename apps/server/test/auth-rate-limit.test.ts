import net from "node:net";
import { ProjectService } from "@berth/proto";
import { Code, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "../src/auth/tokens.js";
import { errorOf, withToken } from "./helpers/api-client.js";
import { loginToken, pollUntil } from "./helpers/runtime-fixture.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    authFailureLimit: { maxFailures: 3, windowMs: 5000 },
    // A TLS proxy on this host that says whom it forwards for (none is trusted unless configured).
    trustedProxies: ["127.0.0.1"],
  });
});
afterAll(async () => {
  await server.dispose();
});

/**
 * ProjectService over gRPC from a given loopback source address (all of 127/8 is this host; only
 * 127.0.0.1 is a trusted proxy), optionally forwarding for a client as a proxy does.
 */
function projectsFrom(sourceAddress: string, token: string, forwardedFor?: string) {
  const transport = createGrpcTransport({
    baseUrl: server.apiUrl,
    interceptors: [
      withToken(token),
      (next) => (req) => {
        if (forwardedFor) req.header.set("x-forwarded-for", forwardedFor);
        return next(req);
      },
    ],
    nodeOptions: {
      createConnection: () =>
        net.connect({ host: "127.0.0.1", port: server.apiPort, localAddress: sourceAddress }),
    },
  });
  return createClient(ProjectService, transport);
}

describe("failed authentications on the API port", () => {
  it("lock out the address after too many unknown tokens, never another client, and only for the window", async () => {
    const guess = "berth_guessed-secret-that-must-never-be-echoed";
    const attacker = projectsFrom("127.0.0.2", guess);
    for (let i = 0; i < 3; i++)
      expect((await errorOf(attacker.listProjects({}))).code).toBe(Code.Unauthenticated);
    const locked = await errorOf(attacker.listProjects({}));
    expect(locked.code).toBe(Code.ResourceExhausted);
    expect(locked.rawMessage).toMatch(
      /^too many failed authentications from 127\.0\.0\.2; try again in \d+ s$/,
    );
    expect(locked.rawMessage).not.toContain(guess);

    const valid = await loginToken(server.ctx.store.db, "viewer");
    // A valid token is never refused, even from the locked-out address (so nobody can lock out a user
    // by failing in their name) ...
    await expect(projectsFrom("127.0.0.2", valid).listProjects({})).resolves.toBeDefined();
    // ... another client's guesses are not refused in advance,
    expect((await errorOf(projectsFrom("127.0.0.3", guess).listProjects({}))).code).toBe(
      Code.Unauthenticated,
    );
    // ... and once the window is over the locked-out address gets a plain answer again.
    await pollUntil(
      () =>
        attacker.listProjects({}).then(
          () => false,
          (e) => errorOf(Promise.reject(e)).then((err) => err.code === Code.Unauthenticated),
        ),
      15_000,
    );
  });

  it("does not count revoked or expired tokens (real secrets, not guesses)", async () => {
    const db = server.ctx.store.db;
    const expired = await issueToken(db, { kind: "login", role: "viewer", name: "expired" });
    await db
      .updateTable("tokens")
      .set({ expires_at: Date.now() - 1 })
      .where("id", "=", expired.info.id)
      .execute();
    const client = projectsFrom("127.0.0.4", expired.secret);
    for (let i = 0; i < 5; i++)
      expect((await errorOf(client.listProjects({}))).code).toBe(Code.Unauthenticated);
  });

  it("behind a trusted proxy, lock out the client it forwards for, not the proxy's other clients", async () => {
    const valid = await loginToken(server.ctx.store.db, "viewer");
    const viaProxy = (token: string, client?: string) => projectsFrom("127.0.0.1", token, client);
    for (let i = 0; i < 3; i++)
      expect((await errorOf(viaProxy("berth_nope", "203.0.113.9").listProjects({}))).code).toBe(
        Code.Unauthenticated,
      );
    const locked = await errorOf(viaProxy("berth_nope", "203.0.113.9").listProjects({}));
    expect(locked).toMatchObject({
      code: Code.ResourceExhausted,
      rawMessage: expect.stringContaining("203.0.113.9"),
    });
    expect((await errorOf(viaProxy("berth_nope", "203.0.113.10").listProjects({}))).code).toBe(
      Code.Unauthenticated,
    );
    await expect(viaProxy(valid, "203.0.113.9").listProjects({})).resolves.toBeDefined();
    await expect(viaProxy(valid).listProjects({})).resolves.toBeDefined();
  });
});
