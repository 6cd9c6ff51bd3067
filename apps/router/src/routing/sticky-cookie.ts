/** The cookie that keeps a client on one version of an app while its traffic is split (a canary, a rollout). */
export const stickyCookieName = "berth_version";

/** The deployment a request's sticky cookie names, if any. */
export function stickyDeployment(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === stickyCookieName)
      return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/**
 * The Set-Cookie value that pins a client to a deployment: host-only (each app host has its own), for the whole
 * site, unreadable by scripts. A session cookie: a new browser session is a new draw.
 */
export function stickyCookie(deploymentId: string): string {
  return `${stickyCookieName}=${deploymentId}; Path=/; HttpOnly; SameSite=Lax`;
}
