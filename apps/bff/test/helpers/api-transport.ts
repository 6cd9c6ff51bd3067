import type { Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import type { BrowserSession } from "./browser-session.js";

/** The SPA's transport: connect-web to the BFF's /api over the tab's fetch (its cookies, Origin and CSRF header). */
export function apiTransport(tab: BrowserSession): Transport {
  return createConnectTransport({
    baseUrl: new URL("/api", tab.baseUrl).toString(),
    fetch: tab.fetch,
  });
}
