// One attempt to send a delivery: a POST, signed for the "standard" format, with a time limit.
import { Webhook } from "standardwebhooks";
import type { NotificationFormat } from "./render-notification.js";

export interface SendInput {
  url: string;
  format: NotificationFormat;
  /** The delivery id: the webhook-id header, the same on every attempt. */
  id: string;
  body: string;
  /** The subscription's whsec_… secret (standard format). */
  secret: string;
  timeoutMs: number;
  /** Aborts the attempt (server shutdown). */
  signal: AbortSignal;
}

/** What an attempt got: a status code (0 when no response came) or an error, and how long it took. */
export interface AttemptResult {
  statusCode: number;
  error: string;
  durationMs: number;
  ok: boolean;
}

/** The request headers: JSON, and for "standard" the Standard Webhooks id, timestamp and signature. */
function requestHeaders(
  input: Pick<SendInput, "format" | "id" | "body" | "secret">,
  now: Date,
): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "Berth-Notifications/1",
  };
  if (input.format !== "standard") return headers;
  return {
    ...headers,
    "webhook-id": input.id,
    "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
    "webhook-signature": new Webhook(input.secret).sign(input.id, now, input.body),
  };
}

/**
 * POSTs the body once. Never throws: a refused connection, a timeout or a non-2xx answer is a failed
 * attempt, recorded and retried. Redirects are not followed (a 3xx is a failure): the body and signature
 * go to the URL the subscription names and nowhere else.
 */
export async function sendNotification(input: SendInput): Promise<AttemptResult> {
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  try {
    const res = await fetch(input.url, {
      method: "POST",
      headers: requestHeaders(input, new Date()),
      body: input.body,
      redirect: "manual",
      signal: AbortSignal.any([input.signal, AbortSignal.timeout(input.timeoutMs)]),
    });
    // The answer's body is not kept; reading it frees the connection.
    await res.body?.cancel().catch(() => {});
    const ok = res.status >= 200 && res.status < 300;
    const error = ok ? "" : res.status >= 300 && res.status < 400 ? "redirects are not followed" : "";
    return { statusCode: res.status, error, durationMs: took(), ok };
  } catch (err) {
    return { statusCode: 0, error: reasonOf(err, input.timeoutMs), durationMs: took(), ok: false };
  }
}

/** A short reason: fetch's "fetch failed" hides the useful part (ECONNREFUSED, ENOTFOUND) in its cause. */
function reasonOf(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === "TimeoutError") return `no answer within ${timeoutMs} ms`;
  if (e.name === "AbortError") return "cancelled (the server is shutting down)";
  const cause = e.cause?.code ?? e.cause?.message;
  return (cause ? `${e.message}: ${cause}` : e.message).slice(0, 300);
}
