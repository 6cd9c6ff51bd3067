// The URLs notifications may be sent to, and how a stored one is shown.
import { Code, ConnectError } from "@connectrpc/connect";

/** The URL parsed; InvalidArgument naming the field unless it is an absolute http:// or https:// URL. */
export function checkOutboundUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConnectError(`url: "${shownUrl(raw)}" is not an absolute URL`, Code.InvalidArgument);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConnectError(
      `url: only http:// and https:// URLs can receive notifications, got ${url.protocol}//`,
      Code.InvalidArgument,
    );
  }
  return url;
}

/**
 * A URL as everyone may see it: scheme, host and first path segment, the rest hidden. A Slack-style URL
 * carries its secret in the path (…/services/T0/B0/XXXX), and any URL may carry credentials or a token.
 */
export function shownUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw.length > 12 ? `${raw.slice(0, 12)}…` : raw;
  }
  const [first, ...rest] = url.pathname.split("/").filter(Boolean);
  const hidden = rest.length > 0 || url.search !== "" || url.username !== "";
  return `${url.protocol}//${url.host}${first ? `/${first}` : ""}${hidden ? "/…" : ""}`;
}
