import {
  callerClasses,
  EntrypointService,
  type EntrypointSessionRequest,
  EntrypointSessionRequestSchema,
  ExecService,
  methodPolicy,
  policyAllows,
  type StartExecStreamRequest,
  StartExecStreamRequestSchema,
} from "@berth/proto";
import { ServerReflection } from "@berth/proto/grpc/reflection/v1";
import { createPushQueue } from "@berth/streams";
import { create, createRegistry, type DescMethod, type DescService } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "../src/auth/tokens.js";
import { entrypointProtocolVersion } from "../src/entrypoint/entrypoint-session.js";
import { apiFiles } from "../src/reflection/api-descriptors.js";
import { clientFor, errorOf, withToken } from "./helpers/api-client.js";
import { loginToken, type SeededDeployment, seedDeployment } from "./helpers/runtime-fixture.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";

let server: TestServer;
let a: SeededDeployment;
let b: SeededDeployment;
beforeAll(async () => {
  server = await startTestServer();
  a = await seedDeployment(server.ctx.store.db, { seq: 1 });
  b = await seedDeployment(server.ctx.store.db, { seq: 2 });
});
afterAll(async () => {
  await server.dispose();
});

/** The services the running server registers, as it lists them over gRPC reflection. */
async function servedServices(): Promise<DescService[]> {
  const client = createClient(ServerReflection, createGrpcTransport({ baseUrl: server.apiUrl }));
  const ask = createPushQueue<{ messageRequest: { case: "listServices"; value: string } }>();
  ask.push({ messageRequest: { case: "listServices", value: "" } });
  ask.end();
  const names: string[] = [];
  for await (const res of client.serverReflectionInfo(ask))
    if (res.messageResponse.case === "listServicesResponse")
      names.push(...res.messageResponse.value.service.map((s) => s.name));
  const registry = createRegistry(...apiFiles());
  return names.map((name) => {
    const service = registry.getService(name);
    if (!service) throw new Error(`the server lists ${name}, which no API descriptor describes`);
    return service;
  });
}

/** A fresh token of a caller class (a fresh one per call, so an allowed RevokeOwnToken harms no other call). */
async function tokenOf(caller: (typeof callerClasses)[number]): Promise<string | undefined> {
  if (!caller.kind) return undefined;
  return (
    await issueToken(server.ctx.store.db, {
      kind: caller.kind,
      role: caller.role,
      name: `matrix ${caller.label}`,
      deploymentId: caller.kind === "entrypoint" ? a.deploymentId : undefined,
    })
  ).secret;
}

type Outcome = "allowed" | "denied";
const deniedCodes = new Set([Code.Unauthenticated, Code.PermissionDenied]);

/**
 * Calls a method with an empty request (or an empty request stream) and reads at most one response:
 * the auth verdict comes before any handler work. Streams are cancelled right after.
 */
async function call(service: DescService, method: DescMethod, token: string | undefined): Promise<Outcome> {
  const transport = createGrpcTransport({ baseUrl: server.apiUrl, interceptors: [withToken(token)] });
  // biome-ignore lint/suspicious/noExplicitAny: a generic client of any method, called by its local name.
  const client = createClient(service, transport) as Record<string, (...args: any[]) => any>;
  const fn = client[method.localName]!;
  const ac = new AbortController();
  const options = { signal: ac.signal, timeoutMs: 30_000 };
  const noInput = (async function* () {})();
  try {
    switch (method.methodKind) {
      case "unary":
        await fn({}, options);
        break;
      case "client_streaming":
        await fn(noInput, options);
        break;
      case "server_streaming":
        await (fn({}, options) as AsyncIterable<unknown>)[Symbol.asyncIterator]().next();
        break;
      case "bidi_streaming":
        await (fn(noInput, options) as AsyncIterable<unknown>)[Symbol.asyncIterator]().next();
        break;
    }
    return "allowed";
  } catch (e) {
    return deniedCodes.has(ConnectError.from(e).code) ? "denied" : "allowed";
  } finally {
    ac.abort();
  }
}

describe("the privilege matrix through the API", () => {
  it("gives every RPC the server registers a policy, and every policy names a served RPC", async () => {
    const served = (await servedServices()).flatMap((s) => s.methods.map((m) => `${s.typeName}/${m.name}`));
    expect(
      served.filter((m) => !methodPolicy(m)),
      "RPCs without a policy (closed to everyone)",
    ).toEqual([]);
    const { methodPolicies } = await import("@berth/proto");
    expect(
      Object.keys(methodPolicies).filter((m) => !served.includes(m)),
      "policies of RPCs the server does not serve",
    ).toEqual([]);
  });

  it("allows and denies every RPC to every kind of caller exactly as the policy table says", async () => {
    const expected: Record<string, Record<string, Outcome>> = {};
    const actual: Record<string, Record<string, Outcome>> = {};
    for (const service of await servedServices()) {
      for (const method of service.methods) {
        const name = `${service.typeName}/${method.name}`;
        expected[name] = {};
        actual[name] = {};
        for (const caller of callerClasses) {
          expected[name][caller.label] = policyAllows(methodPolicy(name), caller) ? "allowed" : "denied";
          actual[name][caller.label] = await call(service, method, await tokenOf(caller));
        }
      }
    }
    expect(Object.keys(actual).length).toBeGreaterThan(40);
    expect(actual).toEqual(expected);
  });
});

describe("an entrypoint token of deployment A", () => {
  const tokens = async () => ({
    ofA: (
      await issueToken(server.ctx.store.db, { kind: "entrypoint", name: "a", deploymentId: a.deploymentId })
    ).secret,
    ofB: (
      await issueToken(server.ctx.store.db, { kind: "entrypoint", name: "b", deploymentId: b.deploymentId })
    ).secret,
  });
  const hello = (deploymentId: string, instanceId: string) => {
    const q = createPushQueue<EntrypointSessionRequest>();
    q.push(
      create(EntrypointSessionRequestSchema, {
        msg: {
          case: "hello",
          value: { protocolVersion: entrypointProtocolVersion, deploymentId, instanceId },
        },
      }),
    );
    return q;
  };

  it("cannot open B's entrypoint session or upload B's logs", async () => {
    const { ofA } = await tokens();
    const entrypoint = clientFor(server, EntrypointService, ofA);
    const first = (q: ReturnType<typeof hello>) =>
      entrypoint.entrypointSession(q)[Symbol.asyncIterator]().next();
    const asB = hello(b.deploymentId, b.instanceIds[0]!);
    expect(await errorOf(first(asB))).toMatchObject({ code: Code.PermissionDenied });
    asB.end();
    const bInstanceUnderA = hello(a.deploymentId, b.instanceIds[0]!);
    expect(await errorOf(first(bInstanceUnderA))).toMatchObject({ code: Code.PermissionDenied });
    bInstanceUnderA.end();
    const upload = entrypoint.uploadLogs(
      (async function* () {
        yield { instanceId: b.instanceIds[0]!, lines: [{ data: Buffer.from("forged") }] };
      })(),
    );
    expect(await errorOf(upload)).toMatchObject({ code: Code.PermissionDenied });
  });

  it("cannot take over an exec session meant for B's entrypoint", async () => {
    const { ofA, ofB } = await tokens();
    const ac = new AbortController();
    try {
      // B's entrypoint, played by hand: connected, it receives the exec request with the session id.
      const bSession = clientFor(server, EntrypointService, ofB)
        .entrypointSession(hello(b.deploymentId, b.instanceIds[0]!), { signal: ac.signal })
        [Symbol.asyncIterator]();
      expect((await bSession.next()).value?.msg.case).toBe("welcome");
      const execInput = createPushQueue<StartExecStreamRequest>();
      execInput.push(
        create(StartExecStreamRequestSchema, {
          msg: { case: "start", value: { deploymentId: b.deploymentId, args: ["true"] } },
        }),
      );
      const exec = clientFor(server, ExecService, await loginToken(server.ctx.store.db, "deployer"))
        .startExecStream(execInput, { signal: ac.signal })
        [Symbol.asyncIterator]();
      const pendingExec = exec.next().catch(() => undefined);
      let sessionId = "";
      while (!sessionId) {
        const m = await bSession.next();
        if (m.done) throw new Error("B's session ended before the exec request came");
        if (m.value.msg.case === "exec") sessionId = m.value.msg.value.sessionId;
      }
      const takeover = clientFor(server, EntrypointService, ofA)
        .entrypointExec(
          (async function* () {
            yield { msg: { case: "sessionId" as const, value: sessionId } };
          })(),
          { signal: ac.signal },
        )
        [Symbol.asyncIterator]()
        .next();
      expect(await errorOf(takeover)).toMatchObject({
        code: Code.PermissionDenied,
        rawMessage: expect.stringContaining("belongs to another deployment"),
      });
      void pendingExec;
    } finally {
      ac.abort();
    }
  });
});
