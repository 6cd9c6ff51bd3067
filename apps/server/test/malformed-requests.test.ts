import { gzipSync } from "node:zlib";
import { AuthService, CreateTokenRequestSchema, Role, TokenKind } from "@berth/proto";
import { create, toBinary } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor } from "./helpers/api-client.js";
import { envelope, type RawProtocol, rawCall } from "./helpers/raw-rpc.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";

// What a client that gets its bytes wrong is told: InvalidArgument (or ResourceExhausted for size), over
// every protocol, never Internal, never an echo of what was sent.
let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer();
  token = server.bootstrapToken!;
});
afterAll(() => server.dispose());

const revoke = "/berth.v1.AuthService/RevokeToken";
const protocols: RawProtocol[] = ["grpc", "grpc-web", "connect"];
const bytes = (...b: number[]) => new Uint8Array(b);

const malformed: [string, Uint8Array][] = [
  ["a truncated string", bytes(0x0a, 0x05, 0x61)],
  ["a wire type that does not exist", bytes(0x0f, 0x00)],
  ["a length varint longer than 10 bytes", bytes(0x0a, ...new Array(10).fill(0xff), 0x01)],
  ["invalid UTF-8 in a string", bytes(0x0a, 0x02, 0xc3, 0x28)],
];

describe("malformed protobuf bodies", () => {
  for (const protocol of protocols) {
    it.each(malformed)(`${protocol}: %s → InvalidArgument`, async (_what, body) => {
      const out = await rawCall(server.apiUrl, protocol, revoke, body, { token });
      expect(out).toMatchObject({ code: 3, message: expect.stringContaining("berth.v1.RevokeTokenRequest") });
      if (protocol === "connect") expect(out.httpStatus).toBe(400);
    });
  }

  it("a message flagged compressed without a grpc-encoding → InvalidArgument (gRPC and gRPC-Web)", async () => {
    const message = envelope(bytes(0x0a, 0x01, 0x61), 1);
    for (const protocol of ["grpc", "grpc-web"] as const) {
      const out = await rawCall(server.apiUrl, protocol, revoke, message, { token, raw: true });
      expect(out.code).toBe(3);
    }
  });

  it("a gzip-compressed malformed message → InvalidArgument; a well-formed one is served", async () => {
    const bad = envelope(gzipSync(bytes(0x0a, 0x05, 0x61)), 1);
    const gzip = { "grpc-encoding": "gzip" };
    expect(
      (await rawCall(server.apiUrl, "grpc", revoke, bad, { token, raw: true, headers: gzip })).code,
    ).toBe(3);
    const good = envelope(gzipSync(bytes(0x0a, 0x01, 0x61)), 1);
    expect(
      await rawCall(server.apiUrl, "grpc", revoke, good, { token, raw: true, headers: gzip }),
    ).toMatchObject({ code: 5 });
  });
});

describe("request size", () => {
  it("refuses a unary body over 1 MiB with ResourceExhausted before parsing it", async () => {
    const huge = toBinary(
      CreateTokenRequestSchema,
      create(CreateTokenRequestSchema, { name: "x".repeat(2 * 1024 * 1024) }),
    );
    for (const protocol of protocols) {
      const out = await rawCall(server.apiUrl, protocol, "/berth.v1.AuthService/CreateToken", huge, {
        token,
      });
      expect(out.code, protocol).toBe(8);
    }
  });
});

describe("JSON requests", () => {
  const createToken = "/berth.v1.AuthService/CreateToken";
  const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

  it("refuses an enum name that does not exist instead of minting a viewer login code", async () => {
    const createLoginCode = "/berth.v1.AuthService/CreateLoginCode";
    const god = await rawCall(server.apiUrl, "connect", createLoginCode, json({ role: "ROLE_GOD" }), {
      token,
      json: true,
    });
    expect(god).toMatchObject({ code: 3, message: expect.stringContaining("field role") });
    expect(god.message).not.toContain("ROLE_GOD");
    const viewer = await rawCall(server.apiUrl, "connect", createLoginCode, json({ role: "ROLE_VIEWER" }), {
      token,
      json: true,
    });
    expect(viewer.code).toBe(0);
  });

  it("refuses an unknown field, and names a field whose value is wrong without quoting the value", async () => {
    const secret = await rawCall(
      server.apiUrl,
      "connect",
      createToken,
      json({ kind: "TOKEN_KIND_LOGIN", role: "ROLE_VIEWER", name: "v", ttlSeconds: "berth_SECRET" }),
      { token, json: true },
    );
    expect(secret).toMatchObject({ code: 3, message: expect.stringContaining("field ttl_seconds") });
    expect(secret.message).not.toContain("SECRET");
    const out = await rawCall(
      server.apiUrl,
      "connect",
      createToken,
      json({ kind: "TOKEN_KIND_LOGIN", role: "ROLE_VIEWER", name: "v", admin: true }),
      { token, json: true },
    );
    expect(out).toMatchObject({ code: 3, message: expect.stringContaining('unknown field "admin"') });
  });
});

describe("errors never echo what was sent", () => {
  it("RevokeToken with a secret pasted as the id says so without repeating it", async () => {
    const auth = clientFor(server, AuthService, token);
    const { secret } = await auth.createToken({ kind: TokenKind.LOGIN, role: Role.VIEWER, name: "pasted" });
    const err = await auth.revokeToken({ id: secret }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toContain("no token has this id");
    expect(err?.message).not.toContain(secret.slice(6, 20));
    const long = await auth.revokeToken({ id: `berth_${"s".repeat(100_000)}` }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(long?.message).toBe("[invalid_argument] field id: value length must be at most 64 characters");
  });
});
