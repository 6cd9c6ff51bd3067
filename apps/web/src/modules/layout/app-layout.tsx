import type { ReactNode } from "react";
import { useParams } from "wouter";
import { NavLink } from "../../components/nav-link.js";
import { useEventStream } from "../events/use-event-stream.js";
import { appTabs } from "./app-tabs.js";

/** An app's tabs around the tab's page, and the live event stream that keeps every tab's data current. */
export function AppLayout({ children }: { children: ReactNode }) {
  const { project, app } = useParams();
  const status = useEventStream({ project, app });
  const base = `/p/${project}/a/${app}`;
  return (
    <div>
      <div className="mb-4 flex flex-wrap items-center gap-x-4 gap-y-2 border-b border-zinc-200 dark:border-zinc-800">
        <h1 className="text-lg font-semibold">{app}</h1>
        <nav aria-label="App sections" className="-mb-px flex gap-1 overflow-x-auto">
          {appTabs.map(([label, path]) => (
            <NavLink
              key={label}
              to={`${base}${path}`}
              end={path === ""}
              className={({ isActive }) =>
                `border-b-2 px-2 py-2 text-sm whitespace-nowrap ${isActive ? "border-indigo-500 font-medium" : "border-transparent text-zinc-500 dark:text-zinc-400 hover:text-zinc-900 dark:hover:text-zinc-100"}`
              }
            >
              {label}
            </NavLink>
          ))}
        </nav>
        <span
          role="status"
          aria-label={`Live updates: ${status}`}
          className="ml-auto flex items-center gap-1.5 text-xs text-zinc-500 dark:text-zinc-400"
        >
          <span
            className={`h-2 w-2 rounded-full ${status === "live" ? "bg-emerald-500" : status === "reconnecting" ? "bg-amber-500" : "bg-zinc-400"}`}
          />
          {status === "live"
            ? "live"
            : status === "reconnecting"
              ? "reconnecting…"
              : status === "offline"
                ? "no live updates"
                : "connecting…"}
        </span>
      </div>
      {children}
    </div>
  );
}
