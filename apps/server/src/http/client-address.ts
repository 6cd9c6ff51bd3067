/**
 * None: every process on the server's host (apps included) connects from loopback, so trusting loopback would
 * let an app speak for any client. A TLS proxy that forwards for others is named in BERTH_TRUSTED_PROXIES.
 */
export const defaultTrustedProxies: readonly string[] = [];

/**
 * Whom a call comes from, for per-client limits. A direct caller is its TCP peer. A trusted proxy (the
 * BFF, a TLS terminator) speaks for many clients: the client is the last address it appended to
 * `X-Forwarded-For`, and a call it makes without one is its own and not attributed to anyone
 * (undefined), so one abusive user behind it cannot lock out the others.
 */
export function clientAddress(
  peer: string,
  forwardedFor: string | null,
  trustedProxies: readonly string[],
): string | undefined {
  if (!trustedProxies.includes(peer)) return peer;
  const hops = (forwardedFor ?? "")
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  return hops.at(-1);
}
