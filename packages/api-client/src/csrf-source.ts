/** Where the CSRF token comes from: the BFF's readable cookie, or the value /auth/me last returned. */
export interface CsrfSource {
  get(): string | undefined;
  set(token: string | undefined): void;
}

/** Cookie names the BFF may use for its double-submit token (first one present wins). */
const cookieNames = ["berth_csrf", "berth-csrf", "csrf", "XSRF-TOKEN"];

/** Creates a CSRF source that prefers an explicit token and falls back to the double-submit cookie. */
export function createCsrfSource(
  readCookies: () => string = () => globalThis.document?.cookie ?? "",
): CsrfSource {
  let explicit: string | undefined;
  return {
    get() {
      if (explicit) return explicit;
      const jar = readCookies();
      for (const part of jar.split(";")) {
        const eq = part.indexOf("=");
        if (eq < 0) continue;
        const name = part.slice(0, eq).trim();
        if (cookieNames.includes(name)) return decodeURIComponent(part.slice(eq + 1).trim());
      }
      return undefined;
    },
    set(token) {
      explicit = token;
    },
  };
}
