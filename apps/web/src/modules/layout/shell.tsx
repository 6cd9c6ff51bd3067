import type { Viewer } from "@berth/api-client";
import { LoadingState } from "@berth/ui/states";
import { useQueryClient } from "@tanstack/react-query";
import { lazy, type ReactNode, Suspense, useCallback, useState } from "react";
import { useLocation } from "wouter";
import { useAppServices, useViewer } from "../../app/app-services.js";
import { sessionKey } from "../../app/session.js";
import { NavLink } from "../../components/nav-link.js";
import { Breadcrumbs } from "./breadcrumbs.js";
import { ProjectSwitcher } from "./project-switcher.js";
import { useKeyboardShortcuts } from "./use-keyboard-shortcuts.js";
import { useTheme } from "./use-theme.js";

// cmdk and its dialog load on first use, not with the first page.
const CommandPalette = lazy(() =>
  import("./command-palette.js").then((m) => ({ default: m.CommandPalette })),
);

const navClass = ({ isActive }: { isActive: boolean }) =>
  `rounded-md px-2 py-1 text-sm ${isActive ? "bg-zinc-200 font-medium dark:bg-zinc-800" : "text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"}`;

/** The frame around every signed-in page: top bar, breadcrumbs, keyboard shortcuts, palette. */
export function Shell({ children }: { children: ReactNode }) {
  const viewer = useViewer();
  const [theme, toggleTheme] = useTheme();
  const [paletteOpen, setPaletteOpen] = useState(false);
  const openPalette = useCallback(() => setPaletteOpen(true), []);
  useKeyboardShortcuts(openPalette);
  return (
    <>
      <div className="flex min-h-screen flex-col">
        <header className="sticky top-0 z-30 border-b border-zinc-200 bg-white/90 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/90">
          <div className="mx-auto flex max-w-screen-2xl flex-wrap items-center gap-2 px-3 py-2 sm:gap-4 sm:px-6">
            <NavLink to="/" className="flex items-center gap-2 font-semibold" aria-label="Berth home">
              <img src="/favicon.svg" alt="" className="h-6 w-6" />
              <span className="hidden sm:inline">Berth</span>
            </NavLink>
            <ProjectSwitcher />
            <nav aria-label="Main" className="flex items-center gap-1">
              <NavLink to="/catalog" className={navClass}>
                Catalog
              </NavLink>
              <NavLink to="/jobs" className={navClass}>
                Jobs
              </NavLink>
              <NavLink to="/runners" className={navClass}>
                Runners
              </NavLink>
              <NavLink to="/audit" className={navClass}>
                Audit
              </NavLink>
              <NavLink to="/api" className={navClass}>
                API
              </NavLink>
              <NavLink to="/get-started" className={navClass}>
                Get started
              </NavLink>
              <NavLink to="/tokens" className={navClass}>
                Tokens
              </NavLink>
              {viewer?.role === "admin" ? (
                <NavLink to="/users" className={navClass}>
                  Users
                </NavLink>
              ) : null}
              {viewer?.role === "admin" ? (
                <NavLink to="/settings/sign-in" className={navClass}>
                  Sign-in
                </NavLink>
              ) : null}
            </nav>
            <div className="ml-auto flex items-center gap-2">
              <button
                type="button"
                onClick={openPalette}
                title="Command palette"
                className="hidden items-center gap-2 rounded-md border border-zinc-300 px-2 py-1 text-sm text-zinc-500 dark:text-zinc-400 hover:text-zinc-900 md:flex dark:border-zinc-700 dark:hover:text-zinc-100"
              >
                Jump to…{" "}
                <kbd className="rounded bg-zinc-100 px-1 text-xs text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
                  Ctrl K
                </kbd>
              </button>
              <button
                type="button"
                onClick={toggleTheme}
                aria-label={theme === "dark" ? "Switch to light theme" : "Switch to dark theme"}
                className="rounded-md px-2 py-1 text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800"
              >
                {theme === "dark" ? "☀" : "☾"}
              </button>
              {viewer ? <UserMenu viewer={viewer} /> : null}
            </div>
          </div>
        </header>
        <div className="mx-auto w-full max-w-screen-2xl flex-1 px-3 py-3 sm:px-6">
          <div className="mb-3 flex items-center gap-3">
            <Breadcrumbs />
          </div>
          {children}
        </div>
      </div>
      {paletteOpen ? (
        <Suspense fallback={<LoadingState label="Opening palette…" />}>
          <CommandPalette open={paletteOpen} onClose={() => setPaletteOpen(false)} />
        </Suspense>
      ) : null}
    </>
  );
}

function UserMenu({ viewer }: { viewer: Viewer }) {
  const { auth } = useAppServices();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  return (
    <div className="flex items-center gap-2 text-sm">
      <span className="hidden text-zinc-600 lg:inline dark:text-zinc-400" data-testid="viewer">
        {viewer.name} · {viewer.role}
      </span>
      <button
        type="button"
        className="rounded-md px-2 py-1 text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800"
        onClick={async () => {
          await auth.logout().catch(() => undefined);
          queryClient.removeQueries({ queryKey: sessionKey });
          queryClient.clear();
          navigate("/login");
        }}
      >
        Sign out
      </button>
    </div>
  );
}
