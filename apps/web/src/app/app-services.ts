import type { AuthClient, Viewer } from "@berth/api-client";
import { createContext, useContext } from "react";

/** What the app creates once at start-up and hands down (never created during render). */
export interface AppServices {
  auth: AuthClient;
}

export const AppServicesContext = createContext<AppServices | undefined>(undefined);

/** The app's services; throws outside the providers so a missing provider is loud in tests. */
export function useAppServices(): AppServices {
  const services = useContext(AppServicesContext);
  if (!services) throw new Error("useAppServices needs <AppProviders>");
  return services;
}

export const ViewerContext = createContext<Viewer | undefined>(undefined);

/** The signed-in user (name and role), from the session. */
export function useViewer(): Viewer | undefined {
  return useContext(ViewerContext);
}
