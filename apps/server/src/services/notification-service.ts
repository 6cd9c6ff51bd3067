import type { NotificationService } from "@berth/proto";
import type { ServiceImpl } from "@connectrpc/connect";
import { recordAudit } from "../audit/record-audit.js";
import { getCaller } from "../auth/caller.js";
import { cutPage, decodePageToken, pageSizeOf } from "../catalog/page-token.js";
import { getProject } from "../catalog/projects.js";
import { urlOptionsOf } from "../catalog/urls.js";
import {
  type DeliveryWithAttempts,
  getDelivery,
  listDeliveries,
  redeliver,
} from "../notifications/deliveries.js";
import type { NotificationPayload } from "../notifications/notification-payload.js";
import { formatName, toDeliveryProto, toSubscriptionProto } from "../notifications/notification-protos.js";
import { type NotificationFormat, renderBody, withUrls } from "../notifications/render-notification.js";
import {
  createSubscription,
  deleteSubscription,
  getSubscription,
  listSubscriptions,
} from "../notifications/subscriptions.js";
import type { ServerContext } from "../server-context.js";

/** berth.v1.NotificationService: webhook subscriptions per project and their delivery log. */
export function createNotificationService(ctx: ServerContext): ServiceImpl<typeof NotificationService> {
  const db = ctx.store.db;

  // The delivery as its subscription's format sends it.
  const deliveryProto = (d: DeliveryWithAttempts, format: string) =>
    toDeliveryProto(
      d,
      renderBody(
        format as NotificationFormat,
        withUrls(JSON.parse(d.row.payload_json) as NotificationPayload, urlOptionsOf(ctx)),
      ),
    );

  return {
    async createNotificationSubscription(req, hctx) {
      await getProject(db, req.project);
      const caller = getCaller(hctx);
      const row = await createSubscription(db, {
        project: req.project,
        url: req.url,
        format: formatName(req.format),
        events: req.events,
        description: req.description,
        actor: { tokenId: caller.tokenId, name: caller.name },
      });
      const subscription = toSubscriptionProto(row);
      await recordAudit(db, {
        actor: caller,
        action: "notification.subscribe",
        project: req.project,
        target: row.id,
        details: { url: subscription.url, format: row.format, events: subscription.events },
      });
      return { subscription, secret: row.secret };
    },

    async listNotificationSubscriptions(req) {
      await getProject(db, req.project);
      return { subscriptions: (await listSubscriptions(db, req.project)).map(toSubscriptionProto) };
    },

    async deleteNotificationSubscription(req, hctx) {
      await deleteSubscription(db, req.project, req.id);
      await recordAudit(db, {
        actor: getCaller(hctx),
        action: "notification.unsubscribe",
        project: req.project,
        target: req.id,
      });
      return {};
    },

    async listNotificationDeliveries(req) {
      await getProject(db, req.project);
      if (req.subscriptionId) await getSubscription(db, req.project, req.subscriptionId);
      const pageSize = pageSizeOf(req.pageSize);
      const fetched = await listDeliveries(db, {
        project: req.project,
        subscriptionId: req.subscriptionId,
        beforeId: decodePageToken("deliveries", req.pageToken),
        limit: pageSize + 1,
      });
      const page = cutPage("deliveries", fetched, pageSize, (d) => d.row.id);
      const formats = new Map((await listSubscriptions(db, req.project)).map((s) => [s.id, s.format]));
      return {
        deliveries: page.rows.map((d) => deliveryProto(d, formats.get(d.row.subscription_id) ?? "json")),
        nextPageToken: page.nextPageToken,
      };
    },

    async redeliverNotification(req, hctx) {
      const before = await getDelivery(db, req.project, req.deliveryId);
      const sub = await getSubscription(db, req.project, before.row.subscription_id);
      const d = await redeliver(db, req.project, req.deliveryId);
      ctx.notifier?.wake();
      await recordAudit(db, {
        actor: getCaller(hctx),
        action: "notification.redeliver",
        project: req.project,
        app: d.row.app,
        target: d.row.id,
        details: { event: d.row.event, subscription: sub.id },
      });
      return { delivery: deliveryProto(d, sub.format) };
    },
  };
}
