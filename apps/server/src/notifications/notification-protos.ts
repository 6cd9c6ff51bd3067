// Stored subscriptions and deliveries as berth.v1 messages.
import {
  type NotificationDelivery,
  NotificationDeliverySchema,
  NotificationDeliveryState,
  NotificationFormat,
  type NotificationSubscription,
  NotificationSubscriptionSchema,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { optionalTimestamp } from "../catalog/to-proto.js";
import type { NotificationSubscriptionTable } from "../store/schema.js";
import type { DeliveryWithAttempts } from "./deliveries.js";
import { shownUrl } from "./outbound-url.js";
import type { NotificationFormat as FormatName } from "./render-notification.js";

const formats: Record<FormatName, NotificationFormat> = {
  standard: NotificationFormat.STANDARD,
  slack: NotificationFormat.SLACK,
  json: NotificationFormat.JSON,
};

const states: Record<string, NotificationDeliveryState> = {
  pending: NotificationDeliveryState.PENDING,
  delivered: NotificationDeliveryState.DELIVERED,
  failed: NotificationDeliveryState.FAILED,
};

/** The stored name of a requested format (validation has already refused UNSPECIFIED). */
export function formatName(format: NotificationFormat): FormatName {
  const found = (Object.keys(formats) as FormatName[]).find((k) => formats[k] === format);
  if (!found) throw new Error(`unknown notification format ${format}`);
  return found;
}

/** A subscription as anyone may see it: the URL shortened, never the secret. */
export function toSubscriptionProto(row: NotificationSubscriptionTable): NotificationSubscription {
  return create(NotificationSubscriptionSchema, {
    id: row.id,
    project: row.project,
    url: shownUrl(row.url),
    format: formats[row.format as FormatName] ?? NotificationFormat.UNSPECIFIED,
    events: JSON.parse(row.events_json) as string[],
    description: row.description,
    createdBy: { tokenId: row.actor_token_id, name: row.actor_name, kind: "login" },
    createdAt: timestampFromMs(Number(row.created_at)),
  });
}

/** A delivery with its attempts; `body` is what its subscription's format sends. */
export function toDeliveryProto(d: DeliveryWithAttempts, body: string): NotificationDelivery {
  const { row } = d;
  return create(NotificationDeliverySchema, {
    id: row.id,
    subscriptionId: row.subscription_id,
    event: row.event,
    project: row.project,
    app: row.app,
    summary: row.summary,
    state: states[row.state] ?? NotificationDeliveryState.UNSPECIFIED,
    createdAt: timestampFromMs(Number(row.created_at)),
    nextAttemptAt: row.state === "pending" ? optionalTimestamp(row.next_attempt_at) : undefined,
    attempts: d.attempts.map((a) => ({
      time: timestampFromMs(Number(a.time)),
      statusCode: Number(a.status_code),
      error: a.error,
      durationMs: Number(a.duration_ms),
    })),
    payloadJson: body,
  });
}
