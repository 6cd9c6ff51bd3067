/** An app's `source { git { … } }` as the server reads it from the app's stored config. */
export interface GitSource {
  url: string;
  ref: string;
  path: string;
  credentials?: string;
  autoRelease: boolean;
}

const schemePattern = /^(https?|ssh|git|file):\/\/[^\s]+$/;
const scpPattern = /^[\w.-]+@[\w.-]+:[^\s]+$/;

/**
 * The app's git source from its berth.hcl (stored as config_json), or undefined when it names none. The
 * CLI validated it; it is checked again here because any deployer can store an app's config.
 */
export function gitSourceOf(configJson: string): GitSource | undefined {
  let parsed: { source?: { git?: Partial<GitSource> } };
  try {
    parsed = JSON.parse(configJson || "{}") as typeof parsed;
  } catch {
    return undefined;
  }
  const git = parsed.source?.git;
  if (!git || typeof git.url !== "string") return undefined;
  if (!schemePattern.test(git.url) && !scpPattern.test(git.url))
    throw new Error(`the app's git source URL "${git.url}" is not a repository URL`);
  const ref = typeof git.ref === "string" && git.ref ? git.ref : "main";
  const path = typeof git.path === "string" && git.path ? git.path : ".";
  if (ref.startsWith("-") || ref.includes(".."))
    throw new Error(`the app's git source ref "${ref}" is not a branch name`);
  if (path.startsWith("/") || path.split("/").includes(".."))
    throw new Error(`the app's git source path "${path}" leaves the repository`);
  return {
    url: git.url,
    ref,
    path,
    ...(typeof git.credentials === "string" && git.credentials && { credentials: git.credentials }),
    autoRelease: git.autoRelease === true,
  };
}

/**
 * A file:// source reads the server's own disk, so it is refused unless the server's operator allows it
 * (BERTH_GIT_FILE_URLS=1: tests, a single-user server).
 */
export function checkUrlAllowed(url: string, env: NodeJS.ProcessEnv = process.env): void {
  if (url.startsWith("file://") && env.BERTH_GIT_FILE_URLS !== "1")
    throw new Error(
      `file:// git sources are off on this server (they read its own disk); set BERTH_GIT_FILE_URLS=1 to allow them`,
    );
}

/**
 * The environment that hands git a credential: an Authorization header through GIT_CONFIG_* (not argv, not the
 * URL stored in the mirror). A value "user:token" is used as is; a bare token as GitHub's "x-access-token".
 */
export function credentialEnv(secret: string | undefined): {
  env: Record<string, string>;
  secrets: string[];
} {
  if (!secret) return { env: {}, secrets: [] };
  const pair = secret.includes(":") ? secret : `x-access-token:${secret}`;
  const header = `Authorization: Basic ${Buffer.from(pair).toString("base64")}`;
  const password = pair.slice(pair.indexOf(":") + 1);
  return {
    env: { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "http.extraHeader", GIT_CONFIG_VALUE_0: header },
    secrets: [secret, pair, password, header],
  };
}
