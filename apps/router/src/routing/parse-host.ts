/**
 * What a Host header names: one deployment (`web--v3.shop.<base>`, a preview's `web--pr-7--v2.shop.<base>`) or
 * an app's public URL (`web.shop.<base>`, a preview's `web--pr-7.shop.<base>`).
 */
export type HostTarget =
  | { kind: "deployment"; project: string; app: string; seq: number }
  | { kind: "app"; project: string; app: string };

const label = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?";
const deploymentLabel = new RegExp(`^(${label})--v([1-9][0-9]{0,9})$`);
const plainLabel = new RegExp(`^${label}$`);
// Real app names hold no "--" (the server refuses them); a preview app is "<app>--pr-<N>".
const previewLabel = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?--pr-[1-9][0-9]{0,9}$/;

/** Parses a Host header against the base domain; undefined when it names nothing the router serves. */
export function parseHost(host: string | undefined, baseDomain: string): HostTarget | undefined {
  if (!host) return undefined;
  const name = host.toLowerCase().replace(/:\d+$/, "").replace(/\.$/, "");
  const suffix = `.${baseDomain.toLowerCase()}`;
  if (!name.endsWith(suffix)) return undefined;
  const parts = name.slice(0, -suffix.length).split(".");
  if (parts.length !== 2) return undefined;
  const [first, project] = parts as [string, string];
  if (!plainLabel.test(project)) return undefined;
  const m = deploymentLabel.exec(first);
  if (m) return { kind: "deployment", project, app: m[1]!, seq: Number(m[2]) };
  if (previewLabel.test(first) && first.indexOf("--") === first.lastIndexOf("--"))
    return { kind: "app", project, app: first };
  if (first.includes("--") || !plainLabel.test(first)) return undefined;
  return { kind: "app", project, app: first };
}
