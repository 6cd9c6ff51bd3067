import { DeploymentService, DeploymentStatus } from "@berth/proto";
import { useQuery } from "@connectrpc/connect-query";

/** Recent deployments that can have logs or a terminal (not destroyed), newest first. */
export function useRecentDeployments(project: string, app: string) {
  return useQuery(DeploymentService.method.listDeployments, {
    app: { project, app },
    pageSize: 50,
    statuses: [DeploymentStatus.HEALTHY, DeploymentStatus.UNHEALTHY, DeploymentStatus.DEPLOYING],
  });
}

/** A select of an app's live deployments; the value is "v12". */
export function DeploymentPicker({
  project,
  app,
  value,
  onChange,
  label = "Deployment",
}: {
  project: string;
  app: string;
  value: number | undefined;
  onChange: (seq: number) => void;
  /** The accessible name; two pickers on one page need different ones. */
  label?: string;
}) {
  const { data, isLoading } = useRecentDeployments(project, app);
  const options = data?.deployments ?? [];
  return (
    <select
      aria-label={label}
      value={value ?? ""}
      onChange={(e) => onChange(Number(e.target.value))}
      className="rounded-md border border-zinc-300 bg-transparent px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
    >
      {value === undefined ? (
        <option value="">{isLoading ? "Loading…" : "Choose a deployment"}</option>
      ) : null}
      {value !== undefined && !options.some((d) => d.seq === value) ? (
        <option value={value}>v{value}</option>
      ) : null}
      {options.map((d) => (
        <option key={d.id} value={d.seq}>
          v{d.seq}
          {d.released ? " (released)" : ""} {d.git?.sha.slice(0, 7)}
        </option>
      ))}
    </select>
  );
}
