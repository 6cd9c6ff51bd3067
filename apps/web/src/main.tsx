import { createAuthClient, createBrowserTransport, createCsrfSource } from "@berth/api-client";
import { QueryClient } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { navigate } from "wouter/use-browser-location";
import { AppProviders } from "./app/app-providers.js";
import { AppRoutes } from "./app/app-routes.js";
import { loginPath, sessionKey } from "./app/session.js";
import "./index.css";

// Everything long-lived is created here, once, and passed down.
const csrf = createCsrfSource();
const auth = createAuthClient({ csrf });
const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 15_000, refetchOnWindowFocus: false, retry: 1 } },
});
const transport = createBrowserTransport({
  csrf,
  onUnauthenticated: () => {
    // The session ended (logout elsewhere, revoked token): forget it so the next page asks again.
    queryClient.removeQueries({ queryKey: sessionKey });
    const here = `${location.pathname}${location.search}`;
    if (!location.pathname.startsWith("/login")) navigate(loginPath(here));
  },
});

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <AppProviders transport={transport} queryClient={queryClient} services={{ auth }}>
      <AppRoutes />
    </AppProviders>
  </StrictMode>,
);
