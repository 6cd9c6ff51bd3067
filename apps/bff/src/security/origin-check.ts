/** What a request's Origin (or, failing that, Referer) says about where it came from. */
export type OriginVerdict = "same" | "cross" | "absent";

export interface OriginHeaders {
  origin?: string | undefined;
  referer?: string | undefined;
}

/**
 * The origin pages of this BFF are served from: the public URL when one is configured (behind a proxy),
 * otherwise the scheme and Host the request was addressed to.
 */
export function expectedOrigin(
  publicUrl: URL | undefined,
  protocol: string,
  host: string | undefined,
): string {
  if (publicUrl) return publicUrl.origin;
  return `${protocol}://${host ?? ""}`;
}

/**
 * Compares the browser-supplied Origin with the expected one (OWASP "verifying origin with standard
 * headers"). Referer stands in when Origin is missing; neither means the caller is not a browser page.
 */
export function checkOrigin(headers: OriginHeaders, expected: string): OriginVerdict {
  const source = headers.origin ?? refererOrigin(headers.referer);
  if (source === undefined) return "absent";
  // "null" is what sandboxed frames and some redirects send: never our page.
  return source.toLowerCase() === expected.toLowerCase() ? "same" : "cross";
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return "invalid";
  }
}
