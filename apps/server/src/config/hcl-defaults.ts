/**
 * berth.hcl's `config { env }` from an app's stored config_json: the defaults its instances start with
 * (config vars override them). A config without one, or one that does not parse, has none.
 */
export function hclEnvDefaults(configJson: string): Record<string, string> {
  try {
    const env = (JSON.parse(configJson || "{}") as { config?: { env?: unknown } }).config?.env;
    if (!env || typeof env !== "object") return {};
    return Object.fromEntries(
      Object.entries(env as Record<string, unknown>).filter(
        (e): e is [string, string] => typeof e[1] === "string",
      ),
    );
  } catch {
    return {};
  }
}
