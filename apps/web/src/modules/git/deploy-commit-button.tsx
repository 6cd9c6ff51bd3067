import { Button } from "@berth/ui/button";
import { Dialog } from "@berth/ui/dialog";
import { ErrorState } from "@berth/ui/states";
import { useState } from "react";
import { useLocation } from "wouter";
import { useDeployCommit } from "../../api/queries/git.js";
import { useViewer } from "../../app/app-services.js";
import { deniedReason } from "../auth/permissions.js";

const refPattern = /^[A-Za-z0-9._/-]*$/;
const shaPattern = /^([0-9a-f]{40}|[0-9a-f]{64})?$/;

/** "Deploy commit…": build a branch, tag or SHA of the app's git source on the server, deploy it, maybe release it. */
export function DeployCommitButton({
  project,
  app,
  source,
}: {
  project: string;
  app: string;
  source: { url: string; ref: string };
}) {
  const denied = deniedReason(useViewer()?.role, "release");
  const [open, setOpen] = useState(false);
  const [ref, setRef] = useState(source.ref);
  const [sha, setSha] = useState("");
  const [release, setRelease] = useState(false);
  const deploy = useDeployCommit();
  const [, navigate] = useLocation();
  const problem = !refPattern.test(ref)
    ? "A branch or tag name: letters, digits, . _ / -"
    : !shaPattern.test(sha)
      ? "A full commit SHA: 40 hex digits"
      : undefined;
  return (
    <>
      <Button size="sm" onClick={() => setOpen(true)} disabledReason={denied}>
        Deploy commit…
      </Button>
      <Dialog open={open} title={`Deploy a commit of ${app}`} onClose={() => setOpen(false)}>
        <form
          className="space-y-3 text-sm"
          onSubmit={(e) => {
            e.preventDefault();
            if (problem) return;
            deploy.mutate(
              { app: { project, app }, ref, sha, release },
              { onSuccess: (res) => navigate(`/jobs/${res.buildJobId}`) },
            );
          }}
        >
          <p className="text-zinc-600 dark:text-zinc-400">
            The server fetches <span className="font-mono break-all">{source.url}</span>, builds the commit
            and deploys it as a new version.
          </p>
          <label className="block">
            <span className="mb-1 block font-medium">Branch or tag</span>
            <input
              value={ref}
              onChange={(e) => setRef(e.target.value.trim())}
              className="w-full rounded-md border border-zinc-300 px-2 py-1 font-mono dark:border-zinc-700 dark:bg-zinc-950"
            />
          </label>
          <label className="block">
            <span className="mb-1 block font-medium">
              Commit SHA (optional: the newest commit of the branch)
            </span>
            <input
              value={sha}
              onChange={(e) => setSha(e.target.value.trim().toLowerCase())}
              className="w-full rounded-md border border-zinc-300 px-2 py-1 font-mono dark:border-zinc-700 dark:bg-zinc-950"
            />
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={release} onChange={(e) => setRelease(e.target.checked)} />
            Release it once healthy
          </label>
          {problem ? (
            <p role="alert" className="text-red-600 dark:text-red-400">
              {problem}
            </p>
          ) : null}
          {deploy.error ? <ErrorState error={deploy.error} title="Deploying the commit failed" /> : null}
          <div className="flex justify-end gap-2">
            <Button size="sm" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button size="sm" variant="primary" type="submit" disabled={!!problem || deploy.isPending}>
              {deploy.isPending ? "Queuing…" : "Build and deploy"}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
