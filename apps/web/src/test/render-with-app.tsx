import type { AuthClient, SignInProvider, Viewer } from "@berth/api-client";
import type { Transport } from "@connectrpc/connect";
import { QueryClient } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { Route, Router, Switch } from "wouter";
import { memoryLocation } from "wouter/memory-location";
import { AppProviders } from "../app/app-providers.js";
import { ViewerContext } from "../app/app-services.js";

/** An auth client that accepts `goodToken` only, for tests of the login flow. */
export function createTestAuthClient(
  goodToken = "good-token",
  viewer: Viewer = { name: "ada", role: "admin" },
  providers: SignInProvider[] = [],
) {
  const calls: string[] = [];
  const client: AuthClient = {
    async me() {
      return viewer;
    },
    async login(token) {
      calls.push(token);
      if (token !== goodToken) {
        const { AuthError } = await import("@berth/api-client");
        throw new AuthError("that token is not valid", 401);
      }
      return viewer;
    },
    async logout() {},
    async providers() {
      return providers;
    },
  };
  return { client, calls };
}

/**
 * Renders `element` at `path` (matching `pattern`) inside the real providers: a fresh QueryClient (retry off)
 * and the given transport (createRouterTransport in tests).
 */
export function renderWithApp(
  element: ReactNode,
  options: {
    transport: Transport;
    path: string;
    pattern: string;
    viewer?: Viewer;
    auth?: AuthClient;
    extraRoutes?: Array<{ path: string; element: ReactNode }>;
  },
) {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  const memory = memoryLocation({ path: options.path, record: true });
  // Where the app is now, as a URL (the memory location records every navigation).
  const current = () => new URL(memory.history.at(-1) ?? "/", "http://dashboard.test");
  const location = {
    get pathname() {
      return current().pathname;
    },
    get search() {
      return current().search;
    },
  };
  const auth = options.auth ?? createTestAuthClient().client;
  const view = render(
    <AppProviders transport={options.transport} queryClient={queryClient} services={{ auth }}>
      <Router hook={memory.hook}>
        <Switch>
          <Route path={options.pattern}>
            <ViewerContext.Provider value={options.viewer ?? { name: "ada", role: "admin" }}>
              {element}
            </ViewerContext.Provider>
          </Route>
          {(options.extraRoutes ?? []).map((r) => (
            <Route key={r.path} path={r.path}>
              {r.element}
            </Route>
          ))}
        </Switch>
      </Router>
    </AppProviders>,
  );
  return { ...view, location, queryClient };
}
