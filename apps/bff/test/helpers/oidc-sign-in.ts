import type { BrowserSession } from "./browser-session.js";

/** The provider's side of a browser: its own cookie jar, no Origin games, redirects followed by hand. */
class ProviderTab {
  private readonly jar = new Map<string, string>();

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.jar.size > 0) headers.set("cookie", [...this.jar].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === "" || /expires=Thu, 01 Jan 1970/i.test(attrs.join(";"))) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  }
}

/** What a sign-in through the provider ended with at the BFF. */
export interface SignInOutcome {
  /** The BFF's answer to the provider's redirect back (303 to `next` on success, a page otherwise). */
  callback: Response;
  /** The URL the provider sent the browser back to (code and state in its query). */
  callbackUrl: string;
  /** Every URL the browser was sent to along the way, the start included. */
  hops: string[];
}

/**
 * Drives a sign-in as a browser would: start at the BFF, follow redirects to the provider, fill its
 * development login form (any password) and consent form, and follow the provider's redirect back.
 * `rewriteCallback` lets a test tamper with the URL the provider sent back before the browser opens it.
 */
export async function signInThroughProvider(
  tab: BrowserSession,
  options: { provider: string; login: string; next?: string; rewriteCallback?: (url: URL) => URL },
): Promise<SignInOutcome> {
  const startPath = `/auth/oidc/${options.provider}/start${options.next === undefined ? "" : `?next=${encodeURIComponent(options.next)}`}`;
  const hops = [startPath];
  const start = await tab.fetch(startPath, { redirect: "manual" });
  if (start.status !== 303) throw new Error(`start answered ${start.status}: ${await start.text()}`);
  const providerTab = new ProviderTab();
  let url = new URL(start.headers.get("location") ?? "", tab.baseUrl).href;
  for (let step = 0; step < 12; step++) {
    hops.push(url);
    if (url.startsWith(tab.baseUrl)) {
      const target = options.rewriteCallback ? options.rewriteCallback(new URL(url)).href : url;
      return { callback: await tab.fetch(target, { redirect: "manual" }), callbackUrl: target, hops };
    }
    let res = await providerTab.fetch(url);
    if (res.status === 200) {
      const html = await res.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
      if (!action || !prompt)
        throw new Error(`the provider showed a page without a form: ${html.slice(0, 300)}`);
      const fields: Record<string, string> =
        prompt === "login" ? { prompt, login: options.login, password: "any" } : { prompt };
      res = await providerTab.fetch(new URL(action, url).href, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields).toString(),
      });
    }
    const location = res.headers.get("location");
    if (res.status < 300 || res.status >= 400 || !location) {
      throw new Error(`the provider answered ${res.status} at ${url}: ${(await res.text()).slice(0, 300)}`);
    }
    url = new URL(location, url).href;
  }
  throw new Error(`too many redirects: ${hops.join(" → ")}`);
}
