/** How a history row says what started it: "triggered by webhook", "remote by ada"; "" for a working tree. */
export function triggerLabel(trigger: string, triggeredBy: string): string {
  if (trigger === "webhook") return triggeredBy ? `triggered by ${triggeredBy}` : "triggered by webhook";
  if (trigger === "remote") return triggeredBy ? `remote by ${triggeredBy}` : "remote";
  return "";
}

/** The app's git source as its stored berth.hcl names it (url and tracked ref), or undefined. */
export function gitSourceOf(configJson: string | undefined): { url: string; ref: string } | undefined {
  try {
    const git = (JSON.parse(configJson || "{}") as { source?: { git?: { url?: unknown; ref?: unknown } } })
      .source?.git;
    if (typeof git?.url !== "string") return undefined;
    return { url: git.url, ref: typeof git.ref === "string" ? git.ref : "main" };
  } catch {
    return undefined;
  }
}
