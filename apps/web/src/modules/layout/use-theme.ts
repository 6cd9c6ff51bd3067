import { useCallback, useState } from "react";

export type Theme = "light" | "dark";
const storageKey = "berth.theme";

/** The current theme and a toggle; the choice is saved and applied as the "dark" class on <html>. */
export function useTheme(): [Theme, () => void] {
  const [theme, setTheme] = useState<Theme>(() =>
    document.documentElement.classList.contains("dark") ? "dark" : "light",
  );
  const toggle = useCallback(() => {
    setTheme((prev) => {
      const next = prev === "dark" ? "light" : "dark";
      document.documentElement.classList.toggle("dark", next === "dark");
      try {
        localStorage.setItem(storageKey, next);
      } catch {
        // Storage blocked: the choice lasts for this page only.
      }
      return next;
    });
  }, []);
  return [theme, toggle];
}
