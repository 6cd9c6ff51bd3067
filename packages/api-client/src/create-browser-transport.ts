import type { Interceptor, Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import type { CsrfSource } from "./csrf-source.js";

export interface BrowserTransportOptions {
  /** Where the BFF serves berth.v1 over the Connect protocol; "/api" in the app. */
  baseUrl?: string;
  csrf?: CsrfSource;
  /** Called when the BFF says the session is gone, so the app can send the user to the login page. */
  onUnauthenticated?: () => void;
  fetch?: typeof globalThis.fetch;
}

/** Header the BFF checks on every state-changing request (double-submit token). */
export const csrfHeader = "X-CSRF-Token";

/** Creates the one Connect transport the SPA uses; the session cookie rides along, never a token. */
export function createBrowserTransport(options: BrowserTransportOptions = {}): Transport {
  const interceptors: Interceptor[] = [
    (next) => async (req) => {
      const token = options.csrf?.get();
      if (token) req.header.set(csrfHeader, token);
      try {
        return await next(req);
      } catch (err) {
        // Code.Unauthenticated is 16; compared by value to keep this file free of a runtime import.
        if (typeof err === "object" && err !== null && (err as { code?: number }).code === 16) {
          options.onUnauthenticated?.();
        }
        throw err;
      }
    },
  ];
  return createConnectTransport({
    baseUrl: options.baseUrl ?? "/api",
    // Binary protobuf: log lines are bytes, which JSON would carry as base64 (a third larger, slower to parse).
    useBinaryFormat: true,
    interceptors,
    fetch:
      options.fetch ?? ((input, init) => globalThis.fetch(input, { ...init, credentials: "same-origin" })),
  });
}
