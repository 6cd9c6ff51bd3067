import { Role, TokenInfoSchema, TokenKind } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { identityFromTokenInfo, NotALoginTokenError, roleToProto } from "./token-identity.js";

describe("identityFromTokenInfo", () => {
  it("accepts a login token and keeps its expiry", () => {
    const info = create(TokenInfoSchema, {
      id: "t1",
      kind: TokenKind.LOGIN,
      role: Role.DEPLOYER,
      name: "ada",
      expiresAt: timestampFromMs(5_000),
    });
    expect(identityFromTokenInfo(info)).toEqual({
      tokenId: "t1",
      name: "ada",
      role: "deployer",
      expiresAt: 5_000,
    });
  });

  it("refuses runner and entrypoint tokens, naming the kind", () => {
    const runner = create(TokenInfoSchema, { id: "t2", kind: TokenKind.RUNNER, role: Role.ADMIN });
    expect(() => identityFromTokenInfo(runner)).toThrow(NotALoginTokenError);
    expect(() => identityFromTokenInfo(runner)).toThrow(/runner token/);
  });

  it("maps roles both ways", () => {
    expect(roleToProto("admin")).toBe(Role.ADMIN);
    expect(roleToProto("viewer")).toBe(Role.VIEWER);
  });
});
