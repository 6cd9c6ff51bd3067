import type http from "node:http";
import type { RequestHandler } from "../http/listen-api.js";
import type { ReceiveWebhookDeps } from "./receive-webhook.js";
import { receiveWebhook } from "./receive-webhook.js";

/** Forges send push payloads of a few KiB to a few hundred; anything above this is refused unread. */
export const maxWebhookBytes = 2 * 1024 * 1024;

const pathPattern = /^\/webhooks\/([a-z0-9][a-z0-9-]{0,62})\/?$/;

/**
 * `POST /webhooks/<project>`: plain HTTP beside the RPC API, since forges cannot speak gRPC. Its only
 * authentication is the delivery's signature (or GitLab's token), checked against the project's secret.
 */
export function createWebhookEndpoint(deps: ReceiveWebhookDeps): RequestHandler {
  return (req, res) => {
    const r = res as http.ServerResponse;
    const reply = (status: number, body: object) => {
      r.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      r.end(`${JSON.stringify(body)}\n`);
    };
    const match = pathPattern.exec(req.url?.split("?")[0] ?? "");
    if (!match) return reply(404, { error: "not a webhook endpoint; expected /webhooks/<project>" });
    if (req.method !== "POST") {
      r.setHeader("allow", "POST");
      return reply(405, { error: "webhooks are POST requests" });
    }
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > maxWebhookBytes) return reply(413, { error: `the body is over ${maxWebhookBytes} bytes` });
    readBody(req, maxWebhookBytes)
      .then(async (body) => {
        if (!body) return reply(413, { error: `the body is over ${maxWebhookBytes} bytes` });
        const a = await receiveWebhook(deps, match[1]!, req.headers, body);
        reply(a.status, { outcome: a.outcome, ...(a.reason && { reason: a.reason }), builds: a.builds });
      })
      .catch((err: unknown) => {
        deps.warn({ err }, "handling a webhook failed");
        if (!r.headersSent) reply(500, { error: "internal error" });
      });
  };
}

/** The request's body, or undefined once it passes `limit` bytes (reading stops there). */
async function readBody(
  req: AsyncIterable<unknown> & { destroy(): void },
  limit: number,
): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) return undefined;
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}
