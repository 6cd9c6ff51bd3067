// Applies the saved (or the system's) theme before React loads, so dark mode never flashes white.
(() => {
  try {
    const saved = localStorage.getItem("berth.theme");
    const dark = saved ? saved === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
    document.documentElement.classList.toggle("dark", dark);
  } catch {
    // Storage may be blocked; the light theme is fine then.
  }
})();
