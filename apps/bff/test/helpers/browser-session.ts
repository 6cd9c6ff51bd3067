/** A cookie as the browser would keep it. */
export interface StoredCookie {
  value: string;
  httpOnly: boolean;
  attributes: string;
}

/**
 * What a browser tab does with our BFF, minus the rendering: keeps cookies (honouring HttpOnly only
 * for what JavaScript may read), sends its page's Origin, and echoes the CSRF token like the SPA.
 */
export class BrowserSession {
  readonly cookies = new Map<string, StoredCookie>();
  /** The CSRF token the SPA would hold (from /auth/me or login). */
  csrfToken: string | undefined;
  /** Every raw response seen, to check that no token ever leaks. */
  readonly seen: { url: string; headers: Headers; body: string }[] = [];

  constructor(
    readonly baseUrl: string,
    readonly origin = baseUrl,
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([name, c]) => `${name}=${c.value}`).join("; ");
  }

  /** What `document.cookie` would show: only non-HttpOnly cookies. */
  documentCookie(): string {
    return [...this.cookies]
      .filter(([, c]) => !c.httpOnly)
      .map(([name, c]) => `${name}=${c.value}`)
      .join("; ");
  }

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const attributes = attrs.join(";");
      const expired = /max-age=0/i.test(attributes) || /expires=Thu, 01 Jan 1970/i.test(attributes);
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, { value, httpOnly: /httponly/i.test(attributes), attributes });
    }
  }

  /** A fetch with the tab's cookies, Origin and CSRF header; records what came back. */
  fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const request = new Request(
      input instanceof Request ? input : new URL(String(input), this.baseUrl),
      init,
    );
    const headers = new Headers(request.headers);
    const cookie = this.cookieHeader();
    if (cookie) headers.set("cookie", cookie);
    if (this.origin) headers.set("origin", this.origin);
    if (this.csrfToken && !headers.has("x-csrf-token")) headers.set("x-csrf-token", this.csrfToken);
    const res = await fetch(new Request(request, { headers }));
    this.remember(res);
    // Bodies of streams are not buffered here (they may never end); headers are still recorded.
    const streaming = (res.headers.get("content-type") ?? "").includes("connect+");
    const body = streaming ? "" : await res.clone().text();
    this.seen.push({ url: request.url, headers: res.headers, body });
    return res;
  };

  /** Signs in with a token like the login form does. */
  async login(token: string): Promise<Response> {
    const res = await this.fetch("/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token }),
    });
    if (res.ok) this.csrfToken = ((await res.clone().json()) as { csrfToken: string }).csrfToken;
    return res;
  }
}

/**
 * Opens a login link and presses its "Sign in" button like a person would: GET the page, then POST
 * the form from this origin. Returns the POST's answer (a 303 to / on success) and picks up the CSRF token.
 */
export async function signInWithLink(tab: BrowserSession, code: string): Promise<Response> {
  const page = await tab.fetch(`/auth/magic/${code}`, { redirect: "manual" });
  if (page.status !== 200) return page;
  const res = await tab.fetch("/auth/magic", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ code }).toString(),
    redirect: "manual",
  });
  if (res.status === 303) {
    tab.csrfToken = ((await (await tab.fetch("/auth/me")).json()) as { csrfToken: string }).csrfToken;
  }
  return res;
}

/** The `message` of a BFF error reply. */
export async function messageOf(res: Response): Promise<string> {
  const body = (await res.json()) as { message?: unknown };
  return String(body.message);
}
