/**
 * Names of the server's own variables that apps and build commands inherit; everything else (cloud
 * credentials, tokens, the server's BERTH_* settings) stays with the server. Locale (LC_*) is matched by prefix.
 */
export const inheritedEnvNames = [
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "LANG",
  "LANGUAGE",
  "TZ",
  "TMPDIR",
  "TERM",
  // Trust roots are public and builds behind a TLS-intercepting proxy cannot install without them.
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
] as const;

/**
 * The environment of a child the server starts for an app or a build: the allow-listed part of
 * `parent` (the server's env), overlaid by `own` (the app's config and BERTH_* facts, or the build's env).
 */
export function childEnv(
  own: Record<string, string>,
  parent: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  const allowed = new Set<string>(inheritedEnvNames);
  for (const [k, v] of Object.entries(parent))
    if (v !== undefined && (allowed.has(k) || k.startsWith("LC_"))) env[k] = v;
  return { ...env, ...own };
}
