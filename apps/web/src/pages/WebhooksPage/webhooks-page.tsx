import { Button } from "@berth/ui/button";
import { Card } from "@berth/ui/card";
import { CopyButton } from "@berth/ui/copy-button";
import { ErrorState, LoadingState } from "@berth/ui/states";
import { useState } from "react";
import { useParams } from "wouter";
import { useCreateWebhookSecret, useWebhook } from "../../api/queries/git.js";
import { useViewer } from "../../app/app-services.js";
import { deniedReason } from "../../modules/auth/permissions.js";
import { useEventStream } from "../../modules/events/use-event-stream.js";
import { WebhookDeliveries } from "./webhook-deliveries.js";

/** A project's inbound webhook (/p/:project/webhooks): its endpoint, its secret (made here, shown once), deliveries. */
export function WebhooksPage() {
  const project = useParams().project!;
  const secretDenied = deniedReason(useViewer()?.role, "webhooks.secret");
  const webhook = useWebhook(project);
  // Deliveries arrive on the project's event stream as forges send them.
  useEventStream({ project });
  const create = useCreateWebhookSecret();
  const [secret, setSecret] = useState<string>();
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">{project}: webhooks</h1>
      <Card
        title="Inbound webhook"
        actions={
          <Button
            size="sm"
            onClick={() => create.mutate({ project }, { onSuccess: (res) => setSecret(res.secret) })}
            disabled={create.isPending || webhook.isPending}
            disabledReason={secretDenied}
          >
            {webhook.data?.configured ? "Replace secret" : "Create secret"}
          </Button>
        }
      >
        {webhook.isPending ? <LoadingState label="Loading webhook…" /> : null}
        {webhook.error ? <ErrorState error={webhook.error} onRetry={() => void webhook.refetch()} /> : null}
        {create.error ? <ErrorState error={create.error} title="Making the secret failed" /> : null}
        {webhook.data ? (
          <div className="space-y-2 text-sm">
            <p>
              Endpoint on the server's API address:{" "}
              <code className="font-mono" data-testid="webhook-path">
                POST {webhook.data.path}
              </code>
            </p>
            <p className="text-zinc-600 dark:text-zinc-400">
              {webhook.data.configured
                ? `A secret was made by ${webhook.data.createdBy?.name || "someone"}. A push to an app's tracked branch builds and deploys it (and releases it with auto_release).`
                : "No secret yet: make one and paste it into the forge's webhook settings (GitHub, Gitea, Forgejo: Secret; GitLab: Secret token)."}
            </p>
          </div>
        ) : null}
        {secret ? (
          <div
            role="status"
            className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950/40"
          >
            <p className="font-medium">Webhook secret: shown only now.</p>
            <p className="mt-2 flex items-center gap-2 font-mono text-xs break-all">
              <code data-testid="webhook-secret">{secret}</code>
              <CopyButton value={secret} label="Copy webhook secret" />
            </p>
            <Button className="mt-2" size="sm" onClick={() => setSecret(undefined)}>
              I have saved it
            </Button>
          </div>
        ) : null}
      </Card>
      <Card title="Deliveries">
        <WebhookDeliveries project={project} />
      </Card>
    </div>
  );
}
