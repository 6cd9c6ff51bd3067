import * as api from "@berth/proto";
import { methodPolicy } from "@berth/proto";
import { type DescMethod, type DescService, type Message, toBinary } from "@bufbuild/protobuf";
import { Code, type Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "../src/auth/tokens.js";
import { callOnce } from "./helpers/call-once.js";
import { messageArbitrary } from "./helpers/message-arbitrary.js";
import { type RawProtocol, rawCall } from "./helpers/raw-rpc.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";

// Every berth.v1 RPC fed random and boundary values through real gRPC, with a token that passes auth so
// the values reach validation and the handlers: only named error codes come back, memory stays bounded,
// and the server still answers health afterwards. Seeded and bounded; a failure names seed and method.
const seed = Number(process.env.BERTH_FUZZ_SEED ?? 20261207);
const runsPerMethod = 6;
/** Codes that mean "the server broke", not "your request was wrong". */
const unnamed = new Set([Code.Internal, Code.Unknown, Code.DataLoss]);

let server: TestServer;
const tokens: Record<string, string> = {};
let transport: Transport;

const services = (Object.values(api) as unknown[]).filter(
  (s): s is DescService =>
    typeof s === "object" &&
    s !== null &&
    (s as DescService).kind === "service" &&
    (s as DescService).typeName.startsWith("berth.v1."),
);
const methods = services
  .flatMap((s) => s.methods)
  .filter((m) => m.parent.typeName !== "berth.v1.DashboardService");

beforeAll(async () => {
  server = await startTestServer();
  tokens.login = server.bootstrapToken!;
  tokens.runner = (await issueToken(server.ctx.store.db, { kind: "runner", name: "fuzz-runner" })).secret;
  tokens.entrypoint = (
    await issueToken(server.ctx.store.db, { kind: "entrypoint", name: "fuzz-ep", deploymentId: "d-fuzz" })
  ).secret;
  // RevokeOwnToken would end the admin token: it gets one of its own.
  tokens.own = (
    await issueToken(server.ctx.store.db, { kind: "login", role: "viewer", name: "fuzz-own" })
  ).secret;
  transport = createGrpcTransport({ baseUrl: server.apiUrl });
});
afterAll(() => server.dispose());

function tokenFor(method: DescMethod): string | undefined {
  if (method.name === "RevokeOwnToken") return tokens.own;
  const kinds = methodPolicy(`${method.parent.typeName}/${method.name}`)?.kinds ?? ["login"];
  return tokens[kinds[0] ?? "login"];
}

/** Calls a method with one message; a stream is read until its first answer or a short bound. */
async function call(method: DescMethod, message: Message, over = transport): Promise<Code | "ok"> {
  const header = new Headers();
  const token = tokenFor(method);
  if (token) header.set("authorization", `Bearer ${token}`);
  return callOnce(over, method, message, header);
}

describe("fuzzing every RPC over gRPC", () => {
  it(`answers ${methods.length} methods × ${runsPerMethod} random messages with named codes only (seed ${seed})`, async () => {
    const before = process.memoryUsage().rss;
    for (const method of methods) {
      const name = `${method.parent.name}/${method.name}`;
      // A connection per method: the server closes an HTTP/2 session that had 100 streams refused
      // (Node's maxSessionRejectedStreams, ENHANCE_YOUR_CALM), and megabyte messages of many methods add up.
      const own = createGrpcTransport({ baseUrl: server.apiUrl });
      await fc.assert(
        fc.asyncProperty(messageArbitrary(method.input), async (message) => {
          const code = await call(method, message, own);
          if (code !== "ok" && unnamed.has(code)) {
            throw new Error(
              `${name} answered ${Code[code]} (seed ${seed}; rerun with BERTH_FUZZ_SEED=${seed})`,
            );
          }
        }),
        { seed, numRuns: runsPerMethod, endOnFailure: true },
      );
    }
    const grown = process.memoryUsage().rss - before;
    expect(grown, `RSS grew by ${grown} bytes`).toBeLessThan(512 * 1024 * 1024);
  }, 120_000);

  it("answers truncated and garbage bodies of every unary method with named codes, over all three protocols", async () => {
    const protocols: RawProtocol[] = ["grpc", "grpc-web", "connect"];
    const garbage = new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x07]);
    for (const method of methods.filter((m) => m.methodKind === "unary")) {
      const path = `/${method.parent.typeName}/${method.name}`;
      const sample = fc.sample(messageArbitrary(method.input), { seed, numRuns: 1 })[0]!;
      const full = toBinary(method.input, sample);
      const truncated = full.subarray(0, Math.max(0, full.byteLength - 1));
      for (const protocol of protocols) {
        for (const body of [truncated, garbage]) {
          const out = await rawCall(server.apiUrl, protocol, path, body, { token: tokenFor(method) });
          expect(
            unnamed.has(out.code),
            `${protocol} ${path}: ${out.code} ${out.message} (seed ${seed})`,
          ).toBe(false);
          expect(out.code, `${protocol} ${path}: no status (HTTP ${out.httpStatus})`).not.toBe(-1);
        }
      }
    }
  }, 120_000);

  it("refuses a 50 MB body without reading it into memory, and still answers health", async () => {
    const before = process.memoryUsage().rss;
    const huge = new Uint8Array(50 * 1024 * 1024);
    // Over HTTP/2 the answer is ResourceExhausted, or the session is reset (ENHANCE_YOUR_CALM) when the
    // client keeps pushing after it; over HTTP/1.1 the server answers before the upload is done and closes
    // the connection, so the client reads the answer or sees its upload cut. Never a 500.
    for (const protocol of ["grpc", "connect"] as const) {
      const out = await rawCall(server.apiUrl, protocol, "/berth.v1.ProjectService/UpsertProject", huge, {
        token: tokens.login,
      }).catch(() => undefined);
      if (out) expect(out.code, protocol).toBe(Code.ResourceExhausted);
    }
    expect(process.memoryUsage().rss - before).toBeLessThan(512 * 1024 * 1024);
    expect(await (await fetch(`${server.apiUrl}/healthz`)).text()).toBe("ok\n");
    const who = await rawCall(server.apiUrl, "grpc", "/berth.v1.AuthService/WhoAmI", new Uint8Array(), {
      token: tokens.login,
    });
    expect(who.code).toBe(0);
  }, 60_000);
});
