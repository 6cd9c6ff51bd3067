// What a browser tab does with the BFF, minus the rendering: the session cookie, the page's Origin and the CSRF
// header on every call, and a Connect-protocol client over HTTP/1.1 (what the SPA's fetch transport speaks).
import type { DescService } from "@bufbuild/protobuf";
import { type Client, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";

export interface BffTab {
  baseUrl: string;
  /** The Cookie header a browser would send. */
  cookie: string;
  client<S extends DescService>(service: S): Client<S>;
}

/** Signs in at the BFF with a login token, as the login form does. */
export async function signIn(baseUrl: string, token: string): Promise<BffTab> {
  const res = await fetch(new URL("/auth/login", baseUrl), {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ token }),
  });
  if (!res.ok) throw new Error(`BFF login failed: ${res.status} ${await res.text()}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const browserHeaders: Interceptor = (next) => (req) => {
    req.header.set("cookie", cookie);
    req.header.set("origin", baseUrl);
    req.header.set("x-csrf-token", csrfToken);
    return next(req);
  };
  const transport = createConnectTransport({
    baseUrl: new URL("/api", baseUrl).toString(),
    httpVersion: "1.1",
    interceptors: [browserHeaders],
  });
  return { baseUrl, cookie, client: (service) => createClient(service, transport) };
}
