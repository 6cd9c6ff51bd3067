import { createRouterTransport } from "@connectrpc/connect";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { createTestAuthClient, renderWithApp } from "../../test/render-with-app.js";
import { LoginPage } from "./login-page.js";

describe("LoginPage", () => {
  it("signs in and returns to where the user was going", async () => {
    const auth = createTestAuthClient("good-token");
    const { location } = renderWithApp(<LoginPage />, {
      transport: createRouterTransport(() => {}),
      path: "/login?next=%2Fp%2Fshop%2Fa%2Fweb%2Flogs",
      pattern: "/login",
      auth: auth.client,
      extraRoutes: [{ path: "/p/:project/a/:app/logs", element: <p>logs here</p> }],
    });
    fireEvent.change(screen.getByLabelText("Login token"), { target: { value: " good-token " } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("logs here")).toBeTruthy();
    expect(auth.calls).toEqual(["good-token"]);
    expect(location.pathname).toBe("/p/shop/a/web/logs");
  });

  it("says why a token was refused", async () => {
    renderWithApp(<LoginPage />, {
      transport: createRouterTransport(() => {}),
      path: "/login",
      pattern: "/login",
    });
    fireEvent.change(screen.getByLabelText("Login token"), { target: { value: "nope" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toMatch(/not accepted/));
  });

  it("never follows a next= to another origin", async () => {
    const { location } = renderWithApp(<LoginPage />, {
      transport: createRouterTransport(() => {}),
      path: `/login?next=${encodeURIComponent("/%5Cevil.example")}`,
      pattern: "/login",
      auth: createTestAuthClient("good-token").client,
      extraRoutes: [{ path: "/", element: <p>home</p> }],
    });
    fireEvent.change(screen.getByLabelText("Login token"), { target: { value: "good-token" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("home")).toBeTruthy();
    expect(location.pathname).toBe("/");
  });

  it("offers a button per OIDC provider that keeps where the user was going", async () => {
    renderWithApp(<LoginPage />, {
      transport: createRouterTransport(() => {}),
      path: `/login?next=${encodeURIComponent("/p/shop")}`,
      pattern: "/login",
      auth: createTestAuthClient("good-token", undefined, [
        { id: "keycloak", displayName: "Acme SSO", signInUrl: "/auth/oidc/keycloak/start" },
        { id: "google", displayName: "Google", signInUrl: "/auth/oidc/google/start" },
      ]).client,
    });
    const acme = await screen.findByRole("link", { name: "Sign in with Acme SSO" });
    expect(acme.getAttribute("href")).toBe("/auth/oidc/keycloak/start?next=%2Fp%2Fshop");
    expect(screen.getByRole("link", { name: "Sign in with Google" })).toBeTruthy();
  });

  it("passes no off-site next= on to a provider's sign-in", async () => {
    renderWithApp(<LoginPage />, {
      transport: createRouterTransport(() => {}),
      path: `/login?next=${encodeURIComponent("//evil.example")}`,
      pattern: "/login",
      auth: createTestAuthClient("good-token", undefined, [
        { id: "sso", displayName: "SSO", signInUrl: "/auth/oidc/sso/start" },
      ]).client,
    });
    const link = await screen.findByRole("link", { name: "Sign in with SSO" });
    expect(link.getAttribute("href")).toBe("/auth/oidc/sso/start?next=%2F");
  });

  it("says how to get a sign-in link", () => {
    renderWithApp(<LoginPage />, {
      transport: createRouterTransport(() => {}),
      path: "/login",
      pattern: "/login",
    });
    const help = screen.getByRole("region", { name: "Sign in with a link" });
    expect(help.textContent).toMatch(/run berth login-link with a CLI signed in as an admin/);
    expect(help.textContent).toMatch(/open the link it prints/);
    expect(screen.getByLabelText("Login token")).toBeTruthy();
  });
});
