import { Role, TokenInfoSchema, TokenKind } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { accessRows } from "./access-rows.js";

const token = (init: Parameters<typeof create<typeof TokenInfoSchema>>[1]) =>
  create(TokenInfoSchema, { kind: TokenKind.LOGIN, role: Role.VIEWER, ...init });

describe("accessRows", () => {
  it("lists live login tokens, people by their provider's identity, most recently used first", () => {
    const rows = accessRows(
      [
        token({ id: "a", name: "ci", lastUsedAt: timestampFromMs(1_000) }),
        token({
          id: "b",
          name: "dora@example.com (sso)",
          role: Role.DEPLOYER,
          identity: {
            provider: "sso",
            issuer: "https://id",
            subject: "u1",
            email: "dora@example.com",
            groups: [],
          },
          lastUsedAt: timestampFromMs(5_000),
          expiresAt: timestampFromMs(90_000),
        }),
        token({ id: "c", name: "never used" }),
      ],
      10_000,
    );
    expect(rows.map((r) => [r.tokenId, r.who, r.through, r.role])).toEqual([
      ["b", "dora@example.com", "sso", "deployer"],
      ["a", "ci", "token", "viewer"],
      ["c", "never used", "token", "viewer"],
    ]);
    expect(rows[0]?.expiresMs).toBe(90_000);
  });

  it("leaves out revoked, expired and machine tokens", () => {
    const rows = accessRows(
      [
        token({ id: "revoked", revokedAt: timestampFromMs(1) }),
        token({ id: "expired", expiresAt: timestampFromMs(9_999) }),
        token({ id: "runner", kind: TokenKind.RUNNER, role: Role.UNSPECIFIED }),
        token({ id: "live" }),
      ],
      10_000,
    );
    expect(rows.map((r) => r.tokenId)).toEqual(["live"]);
  });
});
