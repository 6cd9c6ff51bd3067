import { createHmac, timingSafeEqual } from "node:crypto";

export type Forge = "github" | "gitlab" | "gitea";

/** A delivery's forge, event and id as its headers say, before anything is trusted. */
export interface DeliveryHeaders {
  forge: Forge | "";
  event: string;
  deliveryId: string;
}

export type Headers = Record<string, string | string[] | undefined>;

function header(h: Headers, name: string): string {
  const v = h[name];
  return (Array.isArray(v) ? v[0] : v) ?? "";
}

/**
 * Which forge sent a request. Gitea and Forgejo also send GitHub's headers (for compatibility), so their own
 * headers are looked at first.
 */
export function deliveryHeaders(h: Headers): DeliveryHeaders {
  const gitea = header(h, "x-forgejo-event") || header(h, "x-gitea-event");
  if (gitea)
    return {
      forge: "gitea",
      event: gitea,
      deliveryId: header(h, "x-forgejo-delivery") || header(h, "x-gitea-delivery"),
    };
  if (header(h, "x-gitlab-event"))
    return {
      forge: "gitlab",
      event: header(h, "x-gitlab-event"),
      deliveryId: header(h, "x-gitlab-event-uuid"),
    };
  if (header(h, "x-github-event"))
    return {
      forge: "github",
      event: header(h, "x-github-event"),
      deliveryId: header(h, "x-github-delivery"),
    };
  return { forge: "", event: "", deliveryId: "" };
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function hmacHex(secret: string, body: Buffer): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

/**
 * Checks a delivery with its forge's scheme: GitHub's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the
 * body>`, Gitea/Forgejo's `X-Gitea-Signature` (`X-Forgejo-Signature`): the same HMAC in bare hex, GitLab's
 * `X-Gitlab-Token`: the secret itself. Returns why it is refused, or undefined when it is genuine.
 */
export function verifyDelivery(forge: Forge, h: Headers, body: Buffer, secret: string): string | undefined {
  if (forge === "gitlab") {
    const token = header(h, "x-gitlab-token");
    if (!token) return "no X-Gitlab-Token header";
    return sameBytes(Buffer.from(token), Buffer.from(secret)) ? undefined : "X-Gitlab-Token does not match";
  }
  if (forge === "gitea") {
    const name = header(h, "x-forgejo-signature") ? "X-Forgejo-Signature" : "X-Gitea-Signature";
    const sig = header(h, name.toLowerCase());
    if (!sig) return `no ${name} header (unsigned)`;
    return sameBytes(Buffer.from(sig.toLowerCase()), Buffer.from(hmacHex(secret, body)))
      ? undefined
      : `${name} does not match the body`;
  }
  const sig = header(h, "x-hub-signature-256");
  if (!sig) return "no X-Hub-Signature-256 header (unsigned)";
  return sameBytes(Buffer.from(sig.toLowerCase()), Buffer.from(`sha256=${hmacHex(secret, body)}`))
    ? undefined
    : "X-Hub-Signature-256 does not match the body";
}
