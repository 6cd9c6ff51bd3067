import { AuthService, type PersonalToken, PersonalTokenSchema, Role, TokenKind } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithApp } from "../../test/render-with-app.js";
import { TokensPage } from "./tokens-page.js";

const day = 24 * 3600_000;

function token(id: string, name: string, owner: string, mine: boolean): PersonalToken {
  return create(PersonalTokenSchema, {
    owner,
    mine,
    token: {
      id,
      name,
      kind: TokenKind.LOGIN,
      role: Role.VIEWER,
      createdAt: timestampFromMs(Date.now() - day),
      expiresAt: timestampFromMs(Date.now() + 7 * day),
      lastUsedAt: timestampFromMs(Date.now() - 60_000),
    },
  });
}

function setup(role: "viewer" | "deployer" | "admin") {
  const calls = {
    created: [] as { name: string; role: Role; ttlSeconds: number }[],
    revoked: [] as string[],
    all: [] as boolean[],
  };
  const tokens = [token("t1", "laptop", "dora", true), token("t2", "ci", "ada", false)];
  const transport = createRouterTransport(({ service }) => {
    service(AuthService, {
      listPersonalTokens: (req) => {
        calls.all.push(req.allUsers);
        return {
          tokens: tokens.filter((t) => (req.allUsers || t.mine) && !calls.revoked.includes(t.token!.id)),
        };
      },
      createPersonalToken: (req) => {
        if (req.role === Role.ADMIN && role !== "admin") {
          throw new ConnectError("field role: admin is more than your own role", Code.PermissionDenied);
        }
        calls.created.push({ name: req.name, role: req.role, ttlSeconds: req.ttlSeconds });
        const made = token("t3", req.name, "dora", true);
        tokens.unshift(made);
        return { token: made, secret: "berth_s3cret" };
      },
      revokePersonalToken: (req) => {
        calls.revoked.push(req.id);
        return { token: tokens.find((t) => t.token?.id === req.id) };
      },
    });
  });
  renderWithApp(<TokensPage />, {
    transport,
    path: "/tokens",
    pattern: "/tokens",
    viewer: { name: "dora", role },
  });
  return calls;
}

describe("TokensPage", () => {
  it("creates a token with a role up to one's own and an expiry, and shows its secret once", async () => {
    const calls = setup("deployer");
    const table = await screen.findByRole("table", { name: "Personal tokens" });
    expect(within(table).getByRole("row", { name: "laptop" }).textContent).toContain("viewer");
    expect(within(table).queryByRole("row", { name: "ci" })).toBeNull();
    const roles = within(screen.getByRole("combobox", { name: "Role" }))
      .getAllByRole("option")
      .map((o) => o.textContent);
    expect(roles).toEqual(["viewer", "deployer"]);

    fireEvent.change(screen.getByRole("textbox", { name: "Name" }), { target: { value: "ci-deploy" } });
    fireEvent.change(screen.getByRole("combobox", { name: "Role" }), { target: { value: "deployer" } });
    fireEvent.change(screen.getByRole("combobox", { name: "Expires after" }), {
      target: { value: String(7 * 24 * 3600) },
    });
    fireEvent.click(screen.getByRole("button", { name: "Create token" }));
    expect((await screen.findByLabelText("New token")).textContent).toBe("berth_s3cret");
    expect(calls.created).toEqual([{ name: "ci-deploy", role: Role.DEPLOYER, ttlSeconds: 7 * 24 * 3600 }]);
    expect(screen.getByRole("button", { name: "Copy the new token" })).toBeTruthy();
    await within(table).findByRole("row", { name: "ci-deploy" });
    // Done hides the secret for good.
    fireEvent.click(screen.getByRole("button", { name: "Done" }));
    await waitFor(() => expect(screen.queryByLabelText("New token")).toBeNull());
  });

  it("revokes a token after a confirmation", async () => {
    const calls = setup("viewer");
    const table = await screen.findByRole("table", { name: "Personal tokens" });
    fireEvent.click(within(table).getByRole("button", { name: "Revoke laptop" }));
    const dialog = await screen.findByRole("dialog", { name: "Revoke token" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Revoke" }));
    await waitFor(() => expect(calls.revoked).toEqual(["t1"]));
    expect(await screen.findByText("No personal tokens yet")).toBeTruthy();
  });

  it("lets admins see everyone's tokens with their owners; others cannot ask", async () => {
    const calls = setup("admin");
    await screen.findByRole("table", { name: "Personal tokens" });
    fireEvent.click(screen.getByRole("checkbox", { name: "Everyone's tokens" }));
    const row = await screen.findByRole("row", { name: "ci" });
    expect(row.textContent).toContain("ada");
    expect(calls.all).toContain(true);
  });

  it("has no everyone's-tokens switch for non-admins", async () => {
    setup("viewer");
    await screen.findByRole("table", { name: "Personal tokens" });
    expect(screen.queryByRole("checkbox", { name: "Everyone's tokens" })).toBeNull();
  });
});
