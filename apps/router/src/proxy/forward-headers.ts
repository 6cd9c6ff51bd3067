import type { IncomingHttpHeaders, IncomingMessage } from "node:http";

/** Headers that describe one connection, not the request: never forwarded as they are. */
export const hopByHop = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** The request's headers for the app: hop-by-hop ones dropped (kept for upgrades), X-Forwarded-* added. */
export function forwardHeaders(req: IncomingMessage, keepUpgrade: boolean): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers))
    if (!hopByHop.has(k) || (keepUpgrade && (k === "upgrade" || k === "connection"))) out[k] = v;
  const remote = req.socket.remoteAddress ?? "";
  out["x-forwarded-for"] = req.headers["x-forwarded-for"]
    ? `${req.headers["x-forwarded-for"]}, ${remote}`
    : remote;
  out["x-forwarded-host"] = req.headers.host ?? "";
  out["x-forwarded-proto"] = "http";
  return out;
}

/** The app's response headers for the client, hop-by-hop ones dropped. */
export function responseHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (!hopByHop.has(k)) out[k] = v;
  return out;
}
