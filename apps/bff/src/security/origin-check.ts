/** What a request's Origin (or, failing that, Referer) says about where it came from. */
export type OriginVerdict = "same" | "cross" | "absent";

export interface OriginHeaders {
  origin?: string | undefined;
  referer?: string | undefined;
}

/** Where the BFF listens, as `server.address()` reports it (null before listening). */
export type ListenAddress = { address: string; port: number } | string | null;

const loopbackOrWildcard = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+|0\.0\.0\.0|::)$/;

/**
 * The origins pages of this BFF are served from. Configuration decides, never the request's Host
 * header (which the client writes): the public URL when one is set; otherwise the listen address, where
 * a loopback or all-interfaces address means the local names (localhost, 127.0.0.1, [::1]) at its port,
 * as the quickstart prints them. Before listening (inject() in tests) no origin matches.
 */
export function expectedOrigins(publicUrl: URL | undefined, listening: ListenAddress): string[] {
  if (publicUrl) return [publicUrl.origin];
  if (!listening || typeof listening === "string") return [];
  const { address, port } = listening;
  const hosts = loopbackOrWildcard.test(address)
    ? ["localhost", "127.0.0.1", "[::1]"]
    : [address.includes(":") ? `[${address}]` : address];
  // As browsers write it: port 80 is left out.
  return hosts.map((host) => new URL(`http://${host}:${port}`).origin);
}

/**
 * Compares the browser-supplied Origin with the expected one (OWASP "verifying origin with standard
 * headers"). Referer stands in when Origin is missing; neither means the caller is not a browser page.
 */
export function checkOrigin(headers: OriginHeaders, expected: readonly string[]): OriginVerdict {
  const source = headers.origin ?? refererOrigin(headers.referer);
  if (source === undefined) return "absent";
  // "null" is what sandboxed frames and some redirects send: never our page.
  const lower = source.toLowerCase();
  return expected.some((e) => e.toLowerCase() === lower) ? "same" : "cross";
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return "invalid";
  }
}
