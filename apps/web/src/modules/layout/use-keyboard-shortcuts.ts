import { useEffect } from "react";
import { useLocation, useParams } from "wouter";

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return (
    el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName) || !!el.closest(".xterm")
  );
}

/** "/" focuses the page's search, "g d" opens deployments, "g l" logs, "g j" jobs, Ctrl/⌘-K the palette. */
export function useKeyboardShortcuts(openPalette: () => void) {
  const [, navigate] = useLocation();
  const { project, app } = useParams();
  useEffect(() => {
    let pendingG = 0;
    const onKey = (e: KeyboardEvent) => {
      if ((e.metaKey || e.ctrlKey) && e.key.toLowerCase() === "k") {
        e.preventDefault();
        openPalette();
        return;
      }
      if (e.metaKey || e.ctrlKey || e.altKey || isTyping(e.target)) return;
      if (e.key === "/") {
        const search = document.querySelector<HTMLInputElement>("[data-shortcut-search]");
        if (search) {
          e.preventDefault();
          search.focus();
          search.select();
        }
        return;
      }
      const base = project && app ? `/p/${project}/a/${app}` : undefined;
      if (e.key === "g") {
        pendingG = Date.now();
        return;
      }
      if (Date.now() - pendingG < 1000) {
        pendingG = 0;
        if (e.key === "d" && base) navigate(`${base}/deployments`);
        else if (e.key === "l" && base) navigate(`${base}/logs`);
        else if (e.key === "o" && base) navigate(base);
        else if (e.key === "j") navigate("/jobs");
        else if (e.key === "a") navigate("/audit");
        else if (e.key === "h") navigate("/");
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [navigate, project, app, openPalette]);
}
