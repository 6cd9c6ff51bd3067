import { NotificationFormat, type NotificationSubscription } from "@berth/proto";
import { Button } from "@berth/ui/button";
import { Card } from "@berth/ui/card";
import { CopyButton } from "@berth/ui/copy-button";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { useState } from "react";
import { useParams } from "wouter";
import {
  useCreateSubscription,
  useDeleteSubscription,
  useSubscriptions,
} from "../../api/queries/notifications.js";
import { useViewer } from "../../app/app-services.js";
import { deniedReason } from "../../modules/auth/permissions.js";
import { DeliveryLog } from "./delivery-log.js";
import { eventChoices, SubscriptionForm } from "./subscription-form.js";

const formatLabels: Record<NotificationFormat, string> = {
  [NotificationFormat.UNSPECIFIED]: "unknown",
  [NotificationFormat.STANDARD]: "Standard Webhooks",
  [NotificationFormat.SLACK]: "Slack",
  [NotificationFormat.JSON]: "JSON",
};
const eventLabel = (name: string) => eventChoices.find((c) => c.name === name)?.label ?? name;

/** A project's webhooks (/p/:project/notifications): subscriptions, adding one, and the delivery log. */
export function NotificationsPage() {
  const project = useParams().project!;
  const writeDenied = deniedReason(useViewer()?.role, "notifications.write");
  const subscriptions = useSubscriptions(project);
  const create = useCreateSubscription();
  const remove = useDeleteSubscription();
  const [adding, setAdding] = useState(false);
  const [confirming, setConfirming] = useState<string>();
  // The signing secret of the subscription just added: the server shows it once, so does this page.
  const [secret, setSecret] = useState<{ id: string; secret: string }>();

  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">{project}: notifications</h1>
      <Card
        title="Webhooks"
        actions={
          <Button size="sm" onClick={() => setAdding(true)} disabled={adding} disabledReason={writeDenied}>
            Add webhook
          </Button>
        }
      >
        {adding ? (
          <SubscriptionForm
            pending={create.isPending}
            onCancel={() => setAdding(false)}
            onSubmit={(v) =>
              create.mutate(
                { project, ...v },
                {
                  onSuccess: (res) => {
                    setAdding(false);
                    if (res.secret) setSecret({ id: res.subscription?.id ?? "", secret: res.secret });
                  },
                },
              )
            }
          />
        ) : null}
        {create.error ? <ErrorState error={create.error} title="Adding the webhook failed" /> : null}
        {remove.error ? <ErrorState error={remove.error} title="Removing the webhook failed" /> : null}
        {secret ? (
          <div
            role="status"
            className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950/40"
          >
            <p className="font-medium">Signing secret of {secret.id}: shown only now.</p>
            <p className="mt-1">
              Verify each request's webhook-signature with it (any Standard Webhooks library).
            </p>
            <p className="mt-2 flex items-center gap-2 font-mono text-xs break-all">
              <code data-testid="signing-secret">{secret.secret}</code>
              <CopyButton value={secret.secret} label="Copy signing secret" />
            </p>
            <Button className="mt-2" size="sm" onClick={() => setSecret(undefined)}>
              I have saved it
            </Button>
          </div>
        ) : null}
        {subscriptions.isPending ? <LoadingState label="Loading webhooks…" /> : null}
        {subscriptions.error ? (
          <ErrorState error={subscriptions.error} onRetry={() => void subscriptions.refetch()} />
        ) : null}
        {subscriptions.data?.subscriptions.length === 0 ? (
          <EmptyState title="No webhooks yet">
            Add one to hear about failed deploys and rollbacks in chat.
          </EmptyState>
        ) : null}
        {subscriptions.data && subscriptions.data.subscriptions.length > 0 ? (
          <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Webhooks">
            {subscriptions.data.subscriptions.map((s) => (
              <SubscriptionRow
                key={s.id}
                sub={s}
                confirming={confirming === s.id}
                writeDenied={writeDenied}
                onRemove={() => setConfirming(s.id)}
                onCancel={() => setConfirming(undefined)}
                onConfirm={() =>
                  remove.mutate({ project, id: s.id }, { onSettled: () => setConfirming(undefined) })
                }
              />
            ))}
          </ul>
        ) : null}
      </Card>
      <Card title="Delivery log">
        <DeliveryLog project={project} writeDenied={writeDenied} />
      </Card>
    </div>
  );
}

function SubscriptionRow(props: {
  sub: NotificationSubscription;
  confirming: boolean;
  writeDenied: string | undefined;
  onRemove: () => void;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { sub } = props;
  return (
    <li className="flex flex-wrap items-center gap-3 py-2 text-sm">
      <span className="font-mono">{sub.url}</span>
      <span className="text-zinc-500 dark:text-zinc-400">{formatLabels[sub.format]}</span>
      <span>{sub.events.map(eventLabel).join(", ")}</span>
      {sub.description ? <span className="text-zinc-500 dark:text-zinc-400">{sub.description}</span> : null}
      <span className="ml-auto flex gap-2">
        {props.confirming ? (
          <>
            <Button
              size="sm"
              variant="danger"
              onClick={props.onConfirm}
              aria-label={`Confirm removing ${sub.url}`}
            >
              Remove it and its log
            </Button>
            <Button size="sm" onClick={props.onCancel}>
              Cancel
            </Button>
          </>
        ) : (
          <Button
            size="sm"
            variant="ghost"
            onClick={props.onRemove}
            aria-label={`Remove ${sub.url}`}
            disabledReason={props.writeDenied}
          >
            Remove
          </Button>
        )}
      </span>
    </li>
  );
}
