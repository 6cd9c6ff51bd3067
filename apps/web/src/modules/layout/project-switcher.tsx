import { ProjectService } from "@berth/proto";
import { useQuery } from "@connectrpc/connect-query";
import { useLocation, useParams } from "wouter";

/** A select of every project; choosing one opens it. */
export function ProjectSwitcher() {
  const { project } = useParams();
  const [, navigate] = useLocation();
  const { data } = useQuery(ProjectService.method.listProjects, {});
  const projects = data?.projects ?? [];
  return (
    <label className="flex items-center gap-1 text-sm">
      <span className="sr-only">Project</span>
      <select
        aria-label="Switch project"
        value={project ?? ""}
        onChange={(e) => e.target.value && navigate(`/p/${e.target.value}`)}
        className="max-w-40 rounded-md border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
      >
        <option value="">{projects.length ? "Choose project…" : "No projects"}</option>
        {projects.map((p) => (
          <option key={p.name} value={p.name}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}
