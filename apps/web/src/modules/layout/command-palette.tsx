import { ProjectService } from "@berth/proto";
import { useQuery } from "@connectrpc/connect-query";
import { Command } from "cmdk";
import { useState } from "react";
import { useLocation, useParams } from "wouter";
import { appTabs } from "./app-tabs.js";

const itemClass =
  "flex cursor-pointer items-center justify-between rounded-md px-3 py-2 text-sm aria-selected:bg-indigo-600 aria-selected:text-white";

/** Ctrl/⌘-K: jump to any app (found by name, owner, label or description), page, or a deployment by SHA prefix. */
export function CommandPalette({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [, navigate] = useLocation();
  const { project, app } = useParams();
  const [search, setSearch] = useState("");
  // The catalog (owners, labels, descriptions) is fetched when the palette opens, not on every page.
  const { data } = useQuery(ProjectService.method.listCatalog, {}, { enabled: open });
  const go = (to: string) => {
    onClose();
    navigate(to);
  };
  const base = project && app ? `/p/${project}/a/${app}` : undefined;
  const sha = /^[0-9a-f]{4,40}$/i.test(search.trim()) ? search.trim().toLowerCase() : undefined;
  const version = /^v(\d+)$/i.exec(search.trim())?.[1];
  return (
    <Command.Dialog
      open={open}
      onOpenChange={(next) => !next && onClose()}
      label="Command palette"
      className="fixed top-[15vh] left-1/2 z-50 w-[min(36rem,92vw)] -translate-x-1/2 overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-2xl dark:border-zinc-700 dark:bg-zinc-900"
      overlayClassName="fixed inset-0 z-40 bg-black/40"
    >
      <Command.Input
        value={search}
        onValueChange={setSearch}
        placeholder="Jump to an app, page, or paste a SHA…"
        className="w-full border-b border-zinc-200 bg-transparent px-4 py-3 text-sm outline-none dark:border-zinc-700"
      />
      <Command.List className="max-h-80 overflow-y-auto p-2">
        <Command.Empty className="px-3 py-6 text-center text-sm text-zinc-500 dark:text-zinc-400">
          Nothing matches.
        </Command.Empty>
        {sha && base ? (
          <Command.Group heading="Commit">
            <Command.Item
              value={`sha ${sha}`}
              className={itemClass}
              onSelect={() => go(`${base}/deployments?q=${sha}`)}
            >
              Find deployments of {sha} in {app}
            </Command.Item>
          </Command.Group>
        ) : null}
        {version && base ? (
          <Command.Group heading="Deployment">
            <Command.Item
              value={`version v${version}`}
              className={itemClass}
              onSelect={() => go(`${base}/deployments/v${version}`)}
            >
              Open {app} v{version}
            </Command.Item>
          </Command.Group>
        ) : null}
        {base ? (
          <Command.Group heading={`${project}/${app}`} className="text-xs text-zinc-500 dark:text-zinc-400">
            {appTabs.map(([label, path]) => (
              <Command.Item
                key={label}
                value={`${app} ${label}`}
                className={itemClass}
                onSelect={() => go(`${base}${path}`)}
              >
                {label}
              </Command.Item>
            ))}
          </Command.Group>
        ) : null}
        <Command.Group heading="Apps" className="text-xs text-zinc-500 dark:text-zinc-400">
          {(data?.entries ?? []).map(({ application: a }) =>
            a ? (
              <Command.Item
                key={`${a.project}/${a.name}`}
                value={`${a.project}/${a.name}`}
                keywords={[a.owner, a.description, ...Object.entries(a.labels).map(([k, v]) => `${k}=${v}`)]}
                className={itemClass}
                onSelect={() => go(`/p/${a.project}/a/${a.name}`)}
              >
                <span>
                  {a.project}/{a.name}
                </span>
                {a.owner ? <span className="text-xs opacity-70">{a.owner}</span> : null}
              </Command.Item>
            ) : null,
          )}
        </Command.Group>
        <Command.Group heading="Pages" className="text-xs text-zinc-500 dark:text-zinc-400">
          {[
            ["Projects", "/"],
            ["App catalog", "/catalog"],
            ["Get started (CLI login)", "/get-started"],
            ["Personal tokens", "/tokens"],
            ["Jobs", "/jobs"],
            ["Runners", "/runners"],
            ["Audit log", "/audit"],
            ["API reference", "/api"],
          ].map(([label, to]) => (
            <Command.Item key={label} value={label} className={itemClass} onSelect={() => go(to!)}>
              {label}
            </Command.Item>
          ))}
        </Command.Group>
      </Command.List>
    </Command.Dialog>
  );
}
