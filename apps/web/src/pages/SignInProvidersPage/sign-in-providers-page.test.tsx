import {
  type CreateOidcProviderRequest,
  OidcProviderSchema,
  OidcProviderService,
  OidcRuleKind,
  Role,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { createTestAuthClient, renderWithApp } from "../../test/render-with-app.js";
import { SignInProvidersPage } from "./sign-in-providers-page.js";

function setup(options: { role?: "viewer" | "admin"; failList?: boolean } = {}) {
  const calls: string[] = [];
  const created: CreateOidcProviderRequest[] = [];
  let providers = [
    create(OidcProviderSchema, {
      id: "team",
      displayName: "Team SSO",
      issuer: "https://id.example.com",
      clientId: "berth",
      clientSecretSet: true,
      scopes: ["openid", "email"],
      groupsClaim: "groups",
      rules: [{ kind: OidcRuleKind.GROUP, value: "deployers", role: Role.DEPLOYER }],
      enabled: true,
    }),
  ];
  const transport = createRouterTransport(({ service }) => {
    service(OidcProviderService, {
      listOidcProviders: () => {
        calls.push("list");
        if (options.failList) throw new ConnectError("the server is unreachable", Code.Unavailable);
        return { providers };
      },
      createOidcProvider: (req) => {
        created.push(req);
        const p = create(OidcProviderSchema, {
          id: req.id,
          displayName: req.settings?.displayName,
          issuer: req.settings?.issuer,
          clientId: req.settings?.clientId,
          rules: req.rules,
          enabled: true,
          clientSecretSet: true,
        });
        providers = [...providers, p];
        return { provider: p };
      },
      disableOidcProvider: (req) => {
        providers = providers.map((p) => (p.id === req.id ? { ...p, enabled: false } : p));
        return { provider: providers.find((p) => p.id === req.id) };
      },
      testOidcProvider: (req) => ({
        ok: true,
        message: `https://id.example.com is reachable (${req.id})`,
        issuer: "https://id.example.com",
        authorizationEndpoint: "https://id.example.com/auth",
        tokenEndpoint: "https://id.example.com/token",
        jwksUri: "https://id.example.com/jwks",
        keyCount: 1,
      }),
      listOidcProviderSignIns: () => ({
        signIns: [
          {
            subject: "dora",
            email: "dora@example.com",
            groups: ["deployers"],
            role: Role.DEPLOYER,
            signedInAt: timestampFromMs(Date.now() - 120_000),
            lastSeenAt: timestampFromMs(Date.now() - 60_000),
            liveSessions: 1,
          },
        ],
      }),
    });
  });
  const auth = createTestAuthClient("t", { name: "ada", role: "admin" }, [
    { id: "legacy", displayName: "Legacy SSO", signInUrl: "/auth/oidc/legacy/start", source: "file" },
    { id: "team", displayName: "Team SSO", signInUrl: "/auth/oidc/team/start", source: "server" },
  ]).client;
  renderWithApp(<SignInProvidersPage />, {
    transport,
    auth,
    path: "/settings/sign-in",
    pattern: "/settings/sign-in",
    viewer: { name: "ada", role: options.role ?? "admin" },
  });
  return { calls, created };
}

describe("SignInProvidersPage", () => {
  it("shows stored providers with the secret only as set, file providers read-only, tests, disables and lists who signed in", async () => {
    setup();
    const card = await screen.findByRole("region", { name: "Team SSO" });
    expect(card.textContent).toContain("https://id.example.com");
    expect(within(card).getByText("set")).toBeTruthy();
    expect(within(card).getByRole("list", { name: "Rules of Team SSO" }).textContent).toContain(
      "group deployers → deployer",
    );
    const file = await screen.findByRole("region", { name: "Providers from the OIDC file" });
    expect(file.textContent).toContain("Legacy SSO");
    expect(file.textContent).toContain("(from file)");
    expect(file.textContent).not.toContain("Team SSO");
    expect(card.textContent).not.toContain("Not on the login page");

    fireEvent.click(within(card).getByRole("button", { name: "Test Team SSO" }));
    const result = await within(card).findByRole("status");
    expect(result.textContent).toContain("Discovery works");
    expect(result.textContent).toContain("https://id.example.com/token");

    fireEvent.click(within(card).getByRole("button", { name: "Who signed in" }));
    const table = await within(card).findByRole("table", { name: "People who signed in through Team SSO" });
    expect(within(table).getByRole("row", { name: /dora@example\.com/ }).textContent).toContain("deployer");

    fireEvent.click(within(card).getByRole("button", { name: "Disable Team SSO" }));
    await waitFor(() => expect(within(card).getByText("disabled")).toBeTruthy());
    expect(within(card).getByRole("button", { name: "Enable Team SSO" })).toBeTruthy();
  });

  it("adds a provider with its rules in order", async () => {
    const { created } = setup();
    fireEvent.click(await screen.findByRole("button", { name: "Add provider" }));
    const dialog = await screen.findByRole("dialog", { name: "Add a sign-in provider" });
    const type = (label: string, value: string) =>
      fireEvent.change(within(dialog).getByLabelText(label), { target: { value } });
    type("Provider id", "acme");
    type("Display name", "Acme SSO");
    type("Issuer URL", "https://id.acme.com");
    type("Client ID", "berth");
    type("Client secret", "s3cret");
    type("Rule 1 value", "deployers");
    fireEvent.click(within(dialog).getByRole("button", { name: "Add rule" }));
    fireEvent.change(within(dialog).getByLabelText("Rule 2 kind"), { target: { value: "claim_matches" } });
    const save = within(dialog).getByRole("button", { name: "Add provider" });
    // The second rule names no claim yet: not sendable.
    expect((save as HTMLButtonElement).disabled).toBe(true);
    type("Rule 2 claim", "email");
    type("Rule 2 value", "@acme\\.com$");
    fireEvent.click(within(dialog).getByRole("button", { name: "Move rule 2 up" }));
    fireEvent.click(save);
    await waitFor(() => expect(created).toHaveLength(1));
    expect(created[0]).toMatchObject({
      id: "acme",
      clientSecret: "s3cret",
      settings: { displayName: "Acme SSO", issuer: "https://id.acme.com", clientId: "berth" },
    });
    expect(created[0]?.rules.map((r) => [r.kind, r.claim, r.value, r.role])).toEqual([
      [OidcRuleKind.CLAIM_MATCHES, "email", "@acme\\.com$", Role.VIEWER],
      [OidcRuleKind.GROUP, "", "deployers", Role.DEPLOYER],
    ]);
    // The login page does not list it in this test: the card says why it might not be offered.
    expect((await screen.findByRole("region", { name: "Acme SSO" })).textContent).toContain(
      "Not on the login page",
    );
  });

  it("shows the server's error with a retry", async () => {
    setup({ failList: true });
    expect(await screen.findByText("the server is unreachable")).toBeTruthy();
    expect(screen.getByRole("button", { name: /retry/i })).toBeTruthy();
  });

  it("tells a non-admin the page is for admins, without asking the server", () => {
    const { calls } = setup({ role: "viewer" });
    expect(screen.getByText("Only admins manage sign-in providers")).toBeTruthy();
    expect(calls).toEqual([]);
  });
});
