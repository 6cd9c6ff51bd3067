// The body a notification is sent with, per format. Pure: the same delivery renders to the same bytes on
// every attempt (Standard Webhooks signatures cover the body, and receivers dedupe on webhook-id).
import { appUrl, deploymentUrl, type UrlOptions } from "../catalog/urls.js";
import type { NotificationPayload } from "./notification-payload.js";

/** "standard" (signed Standard Webhooks), "slack" ({text}) or "json" (the standard body, unsigned). */
export type NotificationFormat = "standard" | "slack" | "json";

/** The payload with the URLs that depend on where the router listens. */
export function withUrls(payload: NotificationPayload, urls: UrlOptions): NotificationPayload {
  const { data } = payload;
  if (!data.app) return payload;
  const deployment = data.deployment && {
    ...data.deployment,
    url: deploymentUrl(data.project, data.app, data.deployment.seq, urls),
  };
  const released = payload.type === "release" || payload.type === "rollback";
  const url = data.url ?? (released ? appUrl(data.project, data.app, urls) : deployment?.url);
  return { ...payload, data: { ...data, ...(deployment && { deployment }), ...(url && { url }) } };
}

/** One line saying what happened, e.g. `[shop] web v3 failed: starting v3 failed: exit 1 (1a2b3c4)`. */
export function summaryOf(payload: NotificationPayload): string {
  const d = payload.data;
  const app = d.app || "(project)";
  const v = d.deployment ? ` v${d.deployment.seq}` : "";
  const by = d.actor ? ` by ${d.actor}` : "";
  const why = d.reason ? `: ${d.reason}` : "";
  const sha = d.gitSha ? ` (${d.gitSha.slice(0, 7)})` : "";
  const what = (() => {
    switch (payload.type) {
      case "build.failed":
        return `${app} build${d.build ? ` #${d.build.seq}` : ""} failed${why}`;
      case "deployment.failed":
        return `${app}${v} failed${why}`;
      case "release":
        return `${app}${v} released${by}${why}`;
      case "rollback":
        return `${app} rolled back to${v || " the previous release"}${by}${why}`;
      case "release.auto_aborted":
        return `${app} release of${v || " a canary"} aborted automatically${why}`;
      case "preview.ready":
        return `${app} preview${v} is ready${d.url ? ` at ${d.url}` : ""}`;
      case "instance.crash_loop":
        return `${app}${v} is crash-looping${d.instance ? ` (instance ${d.instance.idx}, ${d.instance.restarts} restarts)` : ""}${why}`;
    }
  })();
  return `[${d.project}] ${what}${sha}`;
}

/** The request body of a delivery in a format. */
export function renderBody(format: NotificationFormat, payload: NotificationPayload): string {
  if (format !== "slack") return JSON.stringify(payload);
  const link = payload.data.url ? ` <${slackEscape(payload.data.url)}|open>` : "";
  return JSON.stringify({ text: `${slackEscape(summaryOf(payload))}${link}` });
}

/**
 * Slack's mrkdwn treats `<…>` as links and mentions (`<!channel>`) and `&` as an entity: escape the three
 * (https://api.slack.com/reference/surfaces/formatting#escaping), so a commit message or a failure reason
 * is shown as text and can never ping a channel.
 */
export function slackEscape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
