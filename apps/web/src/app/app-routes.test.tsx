import type { AuthClient } from "@berth/api-client";
import { createRouterTransport } from "@connectrpc/connect";
import { QueryClient } from "@tanstack/react-query";
import { act, render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";
import { createTestAuthClient } from "../test/render-with-app.js";
import { AppProviders } from "./app-providers.js";
import { AppRoutes } from "./app-routes.js";

function renderRoutes(path: string, auth: AuthClient = createTestAuthClient().client) {
  const memory = memoryLocation({ path, record: true });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <AppProviders transport={createRouterTransport(() => {})} queryClient={queryClient} services={{ auth }}>
      <Router hook={memory.hook}>
        <AppRoutes />
      </Router>
    </AppProviders>,
  );
  return memory;
}

describe("AppRoutes", () => {
  it("sends a signed-out deep link to the login page, with the way back", async () => {
    const signedOut: AuthClient = { ...createTestAuthClient().client, me: async () => undefined };
    const { history } = renderRoutes("/p/shop/a/web/logs?deployment=v3", signedOut);
    expect(await screen.findByRole("heading", { name: "Sign in to Berth" })).toBeTruthy();
    // Replaced, not pushed: Back must not land on the redirect again.
    expect(history).toEqual([`/login?next=${encodeURIComponent("/p/shop/a/web/logs?deployment=v3")}`]);
  });

  it("says the server is unreachable (not the sign-in page, not the app) and recovers by itself", async () => {
    const { AuthError } = await import("@berth/api-client");
    let down = true;
    const flaky: AuthClient = {
      ...createTestAuthClient().client,
      me: async () => {
        if (down) throw new AuthError("the Berth server is unreachable; retrying", 503);
        return { name: "ada", role: "admin" };
      },
    };
    const { history } = renderRoutes("/jobs", flaky);
    expect(await screen.findByRole("heading", { name: "The Berth server is unreachable" })).toBeTruthy();
    expect(screen.queryByRole("heading", { name: "Sign in to Berth" })).toBeNull();
    expect(screen.queryByRole("navigation", { name: "Main" })).toBeNull();
    expect(history).toEqual(["/jobs"]);
    down = false;
    expect(await screen.findByRole("navigation", { name: "Main" }, { timeout: 15_000 })).toBeTruthy();
  });

  it("gives the shell the page's params and marks the section of a deep link active", async () => {
    renderRoutes("/jobs/42");
    const crumbs = await screen.findByRole("navigation", { name: "Breadcrumbs" });
    expect(within(crumbs).getByRole("link", { name: "Jobs" })).toBeTruthy();
    expect(within(crumbs).getByText("42").getAttribute("aria-current")).toBe("page");
    const main = screen.getByRole("navigation", { name: "Main" });
    expect(within(main).getByRole("link", { name: "Jobs" }).getAttribute("aria-current")).toBe("page");
    expect(within(main).getByRole("link", { name: "Audit" }).getAttribute("aria-current")).toBeNull();
  });

  it("answers an unknown path inside the shell", async () => {
    renderRoutes("/no/such/page");
    expect(await screen.findByText("Nothing lives at this address")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Sign out" })).toBeTruthy();
  });

  it("shows an app's page under the app's tabs, the current tab active", async () => {
    renderRoutes("/p/shop/a/web/deployments/v12");
    const tabs = await screen.findByRole("navigation", { name: "App sections" });
    expect(within(tabs).getByRole("link", { name: "Deployments" }).getAttribute("aria-current")).toBe("page");
    expect(within(tabs).getByRole("link", { name: "Overview" }).getAttribute("aria-current")).toBeNull();
    const crumbs = screen.getByRole("navigation", { name: "Breadcrumbs" });
    expect(within(crumbs).getByText("v12").getAttribute("aria-current")).toBe("page");
  });

  it("keeps the shell and the app's tabs mounted from one tab to the next", async () => {
    const memory = renderRoutes("/p/shop/a/web/builds");
    const live = await screen.findByRole("status", { name: /Live updates/ });
    const header = screen.getByRole("banner");
    act(() => memory.navigate("/p/shop/a/web/releases"));
    const tabs = screen.getByRole("navigation", { name: "App sections" });
    expect(within(tabs).getByRole("link", { name: "Releases" }).getAttribute("aria-current")).toBe("page");
    expect(screen.getByRole("status", { name: /Live updates/ })).toBe(live);
    expect(screen.getByRole("banner")).toBe(header);
  });
});
