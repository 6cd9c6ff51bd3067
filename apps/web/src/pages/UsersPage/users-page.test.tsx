import { AuthService, Role, TokenInfoSchema, TokenKind } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { createRouterTransport } from "@connectrpc/connect";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithApp } from "../../test/render-with-app.js";
import { UsersPage } from "./users-page.js";

function setup(role: "viewer" | "admin") {
  const revoked: string[] = [];
  let listed = 0;
  const tokens = [
    create(TokenInfoSchema, {
      id: "t-dora",
      kind: TokenKind.LOGIN,
      role: Role.DEPLOYER,
      name: "dora@example.com (sso)",
      identity: {
        provider: "sso",
        issuer: "https://id",
        subject: "dora",
        email: "dora@example.com",
        groups: [],
      },
      lastUsedAt: timestampFromMs(Date.now() - 60_000),
    }),
    create(TokenInfoSchema, { id: "t-ci", kind: TokenKind.LOGIN, role: Role.ADMIN, name: "ci" }),
  ];
  const transport = createRouterTransport(({ service }) => {
    service(AuthService, {
      listTokens: () => {
        listed++;
        return { tokens: tokens.filter((t) => !revoked.includes(t.id)) };
      },
      revokeToken: (req) => {
        revoked.push(req.id);
        return {};
      },
    });
  });
  renderWithApp(<UsersPage />, {
    transport,
    path: "/users",
    pattern: "/users",
    viewer: { name: "ada", role },
  });
  return { revoked, listed: () => listed };
}

describe("UsersPage", () => {
  it("lists who has access and through what, and revokes after a confirmation", async () => {
    const { revoked, listed } = setup("admin");
    const table = await screen.findByRole("table", { name: "Users and sessions" });
    const dora = within(table).getByRole("row", { name: /dora@example\.com/ });
    expect(dora.textContent).toContain("sso");
    expect(dora.textContent).toContain("deployer");
    expect(within(table).getByRole("row", { name: /ci/ }).textContent).toContain("never");

    fireEvent.click(screen.getByRole("button", { name: "Revoke dora@example.com" }));
    const dialog = await screen.findByRole("dialog");
    fireEvent.click(within(dialog).getByRole("button", { name: "Revoke" }));
    await waitFor(() => expect(revoked).toEqual(["t-dora"]));
    await waitFor(() => expect(screen.queryByRole("row", { name: /dora@example\.com/ })).toBeNull());
    expect(listed()).toBeGreaterThanOrEqual(2);
  });

  it("tells a non-admin it is for admins, without asking the server", () => {
    const { listed } = setup("viewer");
    expect(screen.getByText("Only admins see who has access")).toBeTruthy();
    expect(listed()).toBe(0);
  });
});
