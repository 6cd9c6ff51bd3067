import type { AuthClient, Viewer } from "@berth/api-client";
import type { Transport } from "@connectrpc/connect";
import { QueryClient } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { AppProviders } from "../app/app-providers.js";
import { ViewerContext } from "../app/app-services.js";

/** An auth client that accepts `goodToken` only, for tests of the login flow. */
export function createTestAuthClient(
  goodToken = "good-token",
  viewer: Viewer = { name: "ada", role: "admin" },
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
  const router = createMemoryRouter(
    [
      {
        path: options.pattern,
        element: (
          <ViewerContext.Provider value={options.viewer ?? { name: "ada", role: "admin" }}>
            {element}
          </ViewerContext.Provider>
        ),
      },
      ...(options.extraRoutes ?? []),
    ],
    { initialEntries: [options.path] },
  );
  const auth = options.auth ?? createTestAuthClient().client;
  const view = render(
    <AppProviders transport={options.transport} queryClient={queryClient} services={{ auth }}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return { ...view, router, queryClient };
}
