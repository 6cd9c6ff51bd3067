import { ConfigScope, ConfigService, type ConfigVar } from "@berth/proto";
import { Badge } from "@berth/ui/badge";
import { Button } from "@berth/ui/button";
import { Card } from "@berth/ui/card";
import { RelativeTime } from "@berth/ui/relative-time";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import type { DescMethodUnary } from "@bufbuild/protobuf";
import { createConnectQueryKey, useMutation, useQuery } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useParams } from "wouter";
import { useReleasedDeployment } from "../../api/queries/applications.js";
import { useInstances } from "../../api/queries/deployments.js";
import { useViewer } from "../../app/app-services.js";
import { useRecentDeployments } from "../../components/deployment-picker.js";
import { InstancesTable } from "../../components/instances-table.js";
import { tsMs } from "../../lib/proto-time.js";
import { deniedReason } from "../../modules/auth/permissions.js";
import { ConfigRevisions } from "./config-revisions.js";
import { ConfigVarForm } from "./config-var-form.js";
import { rolloutProgress, rolloutText } from "./rollout-progress.js";

/** Every cached page of a config list, whatever its input. */
const configQueryKey = (schema: DescMethodUnary) => createConnectQueryKey({ schema, cardinality: undefined });

/** Config variables of a project (/p/:project/config) or an app's effective config (/p/:project/a/:app/config). */
export function ConfigPage() {
  const { project, app = "" } = useParams() as { project: string; app?: string };
  const viewer = useViewer();
  const queryClient = useQueryClient();
  const [reveal, setReveal] = useState(false);
  const [editing, setEditing] = useState<string>();
  const [lastRevision, setLastRevision] = useState<number>();
  const vars = useQuery(ConfigService.method.listConfigVars, { project, app, reveal });
  const writeDenied = deniedReason(viewer?.role, "config.write");
  const revealDenied = deniedReason(viewer?.role, "secret.reveal");
  const set = useMutation(ConfigService.method.setConfigVars, {
    onSuccess: (res) => {
      setEditing(undefined);
      setLastRevision(res.revision?.revision);
      // Instances stay live through their events; only the config lists need the new revision now.
      void queryClient.invalidateQueries({ queryKey: configQueryKey(ConfigService.method.listConfigVars) });
      void queryClient.invalidateQueries({
        queryKey: configQueryKey(ConfigService.method.listConfigRevisions),
      });
    },
  });
  const scopeOf = (v: ConfigVar) => (v.scope === ConfigScope.PROJECT ? ConfigScope.PROJECT : ConfigScope.APP);
  const save = (input: { name: string; value: string; secret: boolean; scope: ConfigScope }) =>
    set.mutate({
      scope: input.scope,
      project,
      app: input.scope === ConfigScope.APP ? app : "",
      set: [{ name: input.name, value: input.value, secret: input.secret }],
    });
  const remove = (v: ConfigVar) =>
    set.mutate({
      scope: scopeOf(v),
      project,
      app: scopeOf(v) === ConfigScope.APP ? app : "",
      unset: [v.name],
    });

  return (
    <div className="space-y-4">
      {!app ? <h1 className="text-xl font-semibold">{project}: project config</h1> : null}
      <Card
        title={app ? `Effective config of ${app}` : "Project variables"}
        actions={
          <Button size="sm" onClick={() => setReveal((r) => !r)} disabledReason={revealDenied}>
            {reveal ? "Hide secrets" : "Reveal secrets"}
          </Button>
        }
      >
        {vars.isPending ? <LoadingState label="Loading config…" /> : null}
        {vars.error ? <ErrorState error={vars.error} onRetry={() => void vars.refetch()} /> : null}
        {vars.data && vars.data.vars.length === 0 && vars.data.hclDefaults.length === 0 ? (
          <EmptyState title="No variables yet" />
        ) : null}
        {vars.data && (vars.data.vars.length > 0 || vars.data.hclDefaults.length > 0) ? (
          <table className="w-full text-left text-sm" aria-label="Config variables">
            <thead className="text-xs text-zinc-500 dark:text-zinc-400 uppercase">
              <tr>
                <th className="py-1 pr-3 font-medium">Name</th>
                <th className="py-1 pr-3 font-medium">Value</th>
                <th className="py-1 pr-3 font-medium">Scope</th>
                <th className="py-1 pr-3 font-medium">Updated</th>
                <th className="py-1 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {vars.data.vars.map((v) =>
                editing === v.name ? (
                  <tr key={v.name}>
                    <td colSpan={5} className="py-2">
                      <ConfigVarForm
                        initial={{
                          name: v.name,
                          value: v.masked ? "" : v.value,
                          secret: v.secret,
                          scope: scopeOf(v),
                        }}
                        appScope={Boolean(app)}
                        pending={set.isPending}
                        submitLabel={`Save ${v.name}`}
                        onSubmit={save}
                        onCancel={() => setEditing(undefined)}
                      />
                    </td>
                  </tr>
                ) : (
                  <tr key={v.name} className="border-t border-zinc-100 dark:border-zinc-800">
                    <td className="py-1 pr-3 font-mono">{v.name}</td>
                    <td
                      className="max-w-md truncate py-1 pr-3 font-mono text-xs"
                      title={v.masked ? undefined : v.value}
                    >
                      {v.secret && (v.masked || !v.value) ? (
                        <span title="secret value hidden">
                          ••••••••<span className="sr-only">secret value hidden</span>
                        </span>
                      ) : (
                        v.value
                      )}
                      {v.secret ? <Badge tone="amber">secret</Badge> : null}
                    </td>
                    <td className="py-1 pr-3">{scopeOf(v) === ConfigScope.PROJECT ? "project" : "app"}</td>
                    <td className="py-1 pr-3">
                      rev {v.revision} · <RelativeTime ms={tsMs(v.updatedAt)} />
                    </td>
                    <td className="py-1 text-right whitespace-nowrap">
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-label={`Edit ${v.name}`}
                        onClick={() => setEditing(v.name)}
                        disabledReason={writeDenied}
                      >
                        Edit
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-label={`Delete ${v.name}`}
                        onClick={() => {
                          if (
                            window.confirm(`Delete ${v.name}? Running instances restart with the new config.`)
                          )
                            remove(v);
                        }}
                        disabledReason={writeDenied}
                      >
                        Delete
                      </Button>
                    </td>
                  </tr>
                ),
              )}
              {vars.data.hclDefaults.map((d) => (
                <tr key={`hcl:${d.name}`} className="border-t border-zinc-100 dark:border-zinc-800">
                  <td className="py-1 pr-3 font-mono">{d.name}</td>
                  <td className="max-w-md truncate py-1 pr-3 font-mono text-xs" title={d.value}>
                    {d.value}
                  </td>
                  <td className="py-1 pr-3">
                    <Badge tone="zinc">berth.hcl</Badge>
                  </td>
                  <td className="py-1 pr-3 text-xs text-zinc-500 dark:text-zinc-400">
                    default; a config var of this name overrides it
                  </td>
                  <td />
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {set.error ? <ErrorState error={set.error} title="The change was not saved" /> : null}
      </Card>
      <Card title="Add a variable">
        {writeDenied ? (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">{writeDenied}</p>
        ) : (
          <ConfigVarForm
            key={lastRevision ?? 0}
            initial={{
              name: "",
              value: "",
              secret: false,
              scope: app ? ConfigScope.APP : ConfigScope.PROJECT,
            }}
            appScope={Boolean(app)}
            pending={set.isPending}
            submitLabel="Add variable"
            onSubmit={save}
          />
        )}
      </Card>
      {app ? <RestartingInstances project={project} app={app} revision={lastRevision} /> : null}
      <ConfigRevisions project={project} app={app} />
    </div>
  );
}

/** What restarts on a change to this app's config. */
export function restartSummary(
  running: readonly { seq: number; instanceCount: number; released: boolean }[],
): string {
  const total = running.reduce((n, d) => n + d.instanceCount, 0);
  const names = running.map((d) => `v${d.seq}${d.released ? " (released)" : ""}`).join(", ");
  if (running.length === 0) return "No deployment is running: a change applies to the next deploy.";
  return `A change restarts ${total === 1 ? "its 1 instance" : `all ${total} instances`} of ${names}, one at a time, with the new config.`;
}

/**
 * The released deployment's instances, live: a config change restarts them and this shows it happening. The
 * count covers every running deployment of the app, released or not: the config push restarts them all.
 */
function RestartingInstances({
  project,
  app,
  revision,
}: {
  project: string;
  app: string;
  revision: number | undefined;
}) {
  const { released } = useReleasedDeployment(project, app);
  const instances = useInstances(released?.id);
  const running = useRecentDeployments(project, app).data?.deployments ?? [];
  if (!released) return null;
  const list = instances.data?.instances ?? [];
  return (
    <Card title={`Instances of v${released.seq}`}>
      <p role="status" className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">
        {revision ? rolloutText(revision, rolloutProgress(list, revision)) : restartSummary(running)}
      </p>
      <InstancesTable instances={list} />
    </Card>
  );
}
