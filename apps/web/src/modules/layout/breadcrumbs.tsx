import { Link, useLocation, useParams } from "wouter";

const labels: Record<string, string> = {
  deployments: "Deployments",
  builds: "Builds",
  releases: "Releases",
  logs: "Logs",
  terminal: "Terminal",
  config: "Config",
  compare: "Compare",
  jobs: "Jobs",
  runners: "Runners",
  audit: "Audit log",
  users: "Users and sessions",
  settings: "Settings",
  "sign-in": "Sign-in providers",
  api: "API reference",
  catalog: "App catalog",
  "get-started": "Get started",
  tokens: "Personal tokens",
};

/** Where you are: Projects / shop / web / Deployments / v12, each part a link. */
export function Breadcrumbs() {
  const { project, app } = useParams();
  const [pathname] = useLocation();
  const crumbs: Array<{ to: string; label: string }> = [{ to: "/", label: "Projects" }];
  if (project) crumbs.push({ to: `/p/${project}`, label: project });
  let rest: string[];
  let base: string;
  if (project && app) {
    base = `/p/${project}/a/${app}`;
    crumbs.push({ to: base, label: app });
    rest = pathname.slice(base.length).split("/").filter(Boolean);
  } else if (project) {
    base = `/p/${project}`;
    rest = pathname.slice(base.length).split("/").filter(Boolean);
  } else {
    base = "";
    rest = pathname.split("/").filter(Boolean);
  }
  for (const part of rest) {
    base = `${base}/${part}`;
    crumbs.push({ to: base, label: labels[part] ?? decodeURIComponent(part) });
  }
  return (
    <nav aria-label="Breadcrumbs" className="min-w-0 text-sm">
      <ol className="flex min-w-0 items-center gap-1 truncate text-zinc-500 dark:text-zinc-400">
        {crumbs.map((c, i) => (
          <li key={c.to} className="flex items-center gap-1 truncate">
            {i > 0 ? <span aria-hidden="true">/</span> : null}
            {i === crumbs.length - 1 ? (
              <span aria-current="page" className="truncate font-medium text-zinc-900 dark:text-zinc-100">
                {c.label}
              </span>
            ) : (
              <Link
                to={c.to}
                className="truncate hover:text-zinc-900 hover:underline dark:hover:text-zinc-100"
              >
                {c.label}
              </Link>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
