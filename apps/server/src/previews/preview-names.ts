/**
 * Names a preview lives under. "--" is reserved: `<app>--v<N>` is a deployment's host label, `<app>--pr-<N>` a
 * preview app, `<app>--previews` the config scope only previews of the app read. A real app may not contain
 * "--", so none can take a preview's name or URL.
 */
const previewPattern = /^([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)--pr-([1-9][0-9]{0,9})$/;
const previewScopePattern = /^([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)--previews$/;

/** The preview app of an app's pull request: `web--pr-7`. */
export function previewAppName(app: string, number: number): string {
  return `${app}--pr-${number}`;
}

/** The app and PR number a preview app's name holds, or undefined for any other name. */
export function parsePreviewAppName(name: string): { app: string; number: number } | undefined {
  const m = previewPattern.exec(name);
  if (!m || m[1]!.includes("--")) return undefined;
  return { app: m[1]!, number: Number(m[2]) };
}

/** The config scope (an app name) whose variables only the app's previews get: `web--previews`. */
export function previewScopeName(app: string): string {
  return `${app}--previews`;
}

/** The app whose previews a scope name is for, or undefined. */
export function parsePreviewScopeName(name: string): string | undefined {
  const m = previewScopePattern.exec(name);
  return m && !m[1]!.includes("--") ? m[1] : undefined;
}

/** Why a name cannot be a real app's, or undefined when it can. */
export function reservedAppNameReason(name: string): string | undefined {
  if (!name.includes("--")) return undefined;
  return `app name "${name}" contains "--", which is reserved for deployment and preview URLs (<app>--v3, <app>--pr-7)`;
}
