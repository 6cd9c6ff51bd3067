import type { Transport } from "@connectrpc/connect";
import { TransportProvider } from "@connectrpc/connect-query";
import { type QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { type AppServices, AppServicesContext } from "./app-services.js";

/** Provides the one transport, query client and app services to everything below. */
export function AppProviders({
  transport,
  queryClient,
  services,
  children,
}: {
  transport: Transport;
  queryClient: QueryClient;
  services: AppServices;
  children: ReactNode;
}) {
  return (
    <TransportProvider transport={transport}>
      <QueryClientProvider client={queryClient}>
        <AppServicesContext.Provider value={services}>{children}</AppServicesContext.Provider>
      </QueryClientProvider>
    </TransportProvider>
  );
}
