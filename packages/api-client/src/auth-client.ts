import type { CsrfSource } from "./csrf-source.js";

/** The signed-in user as the dashboard needs it. */
export interface Viewer {
  name: string;
  role: "viewer" | "deployer" | "admin";
}

/** An OIDC provider the login page offers ("Sign in with <displayName>"). */
export interface SignInProvider {
  id: string;
  displayName: string;
  /** Where the browser goes to sign in (a BFF path; `next` is appended by the page). */
  signInUrl: string;
  /** Where it is configured: the BFF's OIDC file (read-only in the dashboard) or the server. */
  source?: "file" | "server";
}

/** A login or session call the BFF refused; `status` is the HTTP status, `message` the BFF's words. */
export class AuthError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "AuthError";
  }
}

export interface AuthClient {
  /** The current session's user, or undefined when there is none (HTTP 401). */
  me(signal?: AbortSignal): Promise<Viewer | undefined>;
  login(token: string, signal?: AbortSignal): Promise<Viewer | undefined>;
  logout(): Promise<void>;
  /** The OIDC providers people may sign in with (none when the BFF has none configured). */
  providers(signal?: AbortSignal): Promise<SignInProvider[]>;
}

/** Maps whatever the BFF sends for a role (a name, an enum name or an enum number) to our three roles. */
export function normalizeRole(raw: unknown): Viewer["role"] {
  const text = String(raw ?? "").toLowerCase();
  if (text === "3" || text.includes("admin")) return "admin";
  if (text === "2" || text.includes("deployer")) return "deployer";
  return "viewer";
}

function toViewer(body: unknown, csrf: CsrfSource | undefined): Viewer | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const user = (typeof record.user === "object" && record.user !== null ? record.user : record) as Record<
    string,
    unknown
  >;
  const token = record.csrfToken ?? record.csrf;
  if (typeof token === "string") csrf?.set(token);
  return { name: String(user.name ?? "you"), role: normalizeRole(user.role) };
}

async function errorMessage(res: Response): Promise<string> {
  const text = await res.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    const message = body.message ?? body.error;
    if (typeof message === "string" && message) return message;
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return text || `${res.status} ${res.statusText}`;
}

/** Creates the client for the BFF's /auth endpoints (cookie session; the token never stays in JS). */
export function createAuthClient(
  options: { baseUrl?: string; csrf?: CsrfSource; fetch?: typeof fetch } = {},
) {
  const base = options.baseUrl ?? "/auth";
  const doFetch = options.fetch ?? ((input: string, init?: RequestInit) => fetch(input, init));
  const headers = (): Record<string, string> => {
    const h: Record<string, string> = { "content-type": "application/json" };
    const token = options.csrf?.get();
    if (token) h["X-CSRF-Token"] = token;
    return h;
  };
  const client: AuthClient = {
    async me(signal) {
      const res = await doFetch(`${base}/me`, { credentials: "same-origin", signal });
      if (res.status === 401 || res.status === 403) return undefined;
      if (!res.ok) throw new AuthError(await errorMessage(res), res.status);
      return toViewer(await res.json(), options.csrf);
    },
    async login(token, signal) {
      const res = await doFetch(`${base}/login`, {
        method: "POST",
        credentials: "same-origin",
        headers: headers(),
        body: JSON.stringify({ token }),
        signal,
      });
      if (!res.ok) throw new AuthError(await errorMessage(res), res.status);
      const body = await res.json().catch(() => undefined);
      return toViewer(body, options.csrf) ?? (await client.me(signal));
    },
    async providers(signal) {
      const res = await doFetch(`${base}/oidc/providers`, { credentials: "same-origin", signal });
      if (!res.ok) throw new AuthError(await errorMessage(res), res.status);
      const body = (await res.json()) as { providers?: SignInProvider[] };
      return body.providers ?? [];
    },
    async logout() {
      // A JSON content type needs a body: Fastify answers 400 to an empty one and the session would stay.
      await doFetch(`${base}/logout`, {
        method: "POST",
        credentials: "same-origin",
        headers: headers(),
        body: "{}",
      });
      options.csrf?.set(undefined);
    },
  };
  return client;
}
