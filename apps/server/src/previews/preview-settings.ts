/** An app's `preview { … }` as the server reads it from the app's stored config (berth.hcl, checked by the CLI). */
export interface PreviewSettings {
  /** Head-branch patterns a PR must match ("feature/*"); empty: every PR. */
  branches: string[];
  /** Whether a PR from another repository (a fork) gets a preview. */
  forks: boolean;
  /** A preview is destroyed this long after its last push; 0: only when its PR closes. */
  expireAfterMs: number;
  /** berth.hcl env for previews only, over the app's own. */
  env: Record<string, string>;
  /** Where the commit status goes: the forge's API base URL and the secret config var holding its token. */
  status?: { apiUrl: string; token: string };
}

/** The app's preview settings, or undefined when its berth.hcl has no preview block. */
export function previewSettingsOf(configJson: string): PreviewSettings | undefined {
  let raw: unknown;
  try {
    raw = (JSON.parse(configJson || "{}") as { preview?: unknown }).preview;
  } catch {
    return undefined;
  }
  if (!raw || typeof raw !== "object") return undefined;
  const p = raw as Record<string, unknown>;
  const env = (p.config as { env?: unknown } | undefined)?.env;
  const status = p.status as { apiUrl?: unknown; token?: unknown } | undefined;
  return {
    branches: Array.isArray(p.branches) ? p.branches.filter((b): b is string => typeof b === "string") : [],
    forks: p.forks === true,
    expireAfterMs: typeof p.expireAfterMs === "number" && p.expireAfterMs > 0 ? p.expireAfterMs : 0,
    env:
      env && typeof env === "object"
        ? Object.fromEntries(
            Object.entries(env).filter((e): e is [string, string] => typeof e[1] === "string"),
          )
        : {},
    ...(status &&
      typeof status.apiUrl === "string" &&
      typeof status.token === "string" && { status: { apiUrl: status.apiUrl, token: status.token } }),
  };
}

/** Whether a branch matches a pattern: `*` is any run of characters but "/", `**` any run at all. */
export function branchMatches(pattern: string, branch: string): boolean {
  const re = pattern
    .split("**")
    .map((part) =>
      part
        .split("*")
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join("[^/]*"),
    )
    .join(".*");
  return new RegExp(`^${re}$`).test(branch);
}

/**
 * The stored config of a preview app: the app's own, built from the PR's branch, released once healthy, its
 * berth.hcl env overlaid by the preview's, and no preview block of its own (a preview has no previews).
 */
export function previewConfigJson(baseConfigJson: string, branch: string, settings: PreviewSettings): string {
  const base = JSON.parse(baseConfigJson || "{}") as Record<string, unknown> & {
    config?: { env?: Record<string, string> };
    source?: { git?: Record<string, unknown> };
  };
  const { preview: _preview, ...rest } = base;
  return JSON.stringify({
    ...rest,
    config: { ...base.config, env: { ...base.config?.env, ...settings.env } },
    source: { ...base.source, git: { ...base.source?.git, ref: branch, autoRelease: true } },
  });
}
