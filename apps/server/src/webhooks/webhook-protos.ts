import { type WebhookDelivery, WebhookDeliverySchema, WebhookOutcome } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { WebhookDeliveryTable } from "../store/schema.js";

const outcomes: Record<string, WebhookOutcome> = {
  accepted: WebhookOutcome.ACCEPTED,
  ignored: WebhookOutcome.IGNORED,
  rejected: WebhookOutcome.REJECTED,
};

/** A delivery row as the API's WebhookDelivery. */
export function toWebhookDeliveryProto(row: WebhookDeliveryTable): WebhookDelivery {
  let builds: { app: string; jobId: string }[] = [];
  try {
    builds = JSON.parse(row.builds_json) as typeof builds;
  } catch {
    // A garbled column shows no builds rather than failing the whole list.
  }
  return create(WebhookDeliverySchema, {
    id: row.id,
    project: row.project,
    forge: row.forge,
    deliveryId: row.delivery_id,
    event: row.event,
    repository: row.repository,
    ref: row.ref,
    sha: row.sha,
    outcome: outcomes[row.outcome] ?? WebhookOutcome.UNSPECIFIED,
    reason: row.reason,
    statusCode: row.status_code,
    builds,
    receivedAt: timestampFromMs(row.received_at),
  });
}
