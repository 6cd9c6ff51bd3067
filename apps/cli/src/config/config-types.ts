/** The plugins each berth.hcl stanza can `use`. Adding a plugin adds a name here and a folder on the server. */
export const knownPlugins = {
  build: ["archive"],
  registry: ["server"],
  deploy: ["process", "docker", "kubernetes"],
  release: ["router"],
} as const;

export type Stanza = keyof typeof knownPlugins;
export type DeployPlatform = (typeof knownPlugins.deploy)[number];

/** Attributes each deploy platform takes on top of command, count, max_parallel and health. */
export const platformAttributes: Record<DeployPlatform, Record<string, "string" | "number">> = {
  process: {},
  docker: { image: "string", socket: "string", memory: "string", cpus: "number", server_addr: "string" },
  kubernetes: {
    image: "string",
    kubeconfig: "string",
    context: "string",
    namespace: "string",
    port: "number",
    memory: "string",
    cpus: "number",
    server_addr: "string",
  },
};

export interface HealthCheckConfig {
  /** HTTP path to GET; empty: a TCP connect check. */
  path: string;
  intervalMs: number;
  timeoutMs: number;
  /** How long a new deployment may take to become healthy before the deploy fails. */
  startTimeoutMs: number;
}

export interface AppConfig {
  name: string;
  /** The app's directory, relative to berth.hcl ("." by default). */
  path: string;
  labels: Record<string, string>;
  /** `exclude`: gitignore-style patterns of files left out of the build, on top of .gitignore. */
  build: { use: "archive"; command: string; exclude: string[] };
  registry: { use: "server" };
  deploy: {
    /** The platform that runs the instances (`deploy { use "<name>" { ... } }`). */
    use: DeployPlatform;
    command: string;
    count: number;
    /** `max_parallel`: how many instances a config change replaces at once (default 1; each surge-first). */
    maxParallel?: number;
    health: HealthCheckConfig;
    /** Platform-specific attributes (docker: image, socket, ...; kubernetes: image, kubeconfig, namespace, ...), as written. */
    options?: Record<string, string | number>;
  };
  release: { use: "router" };
  config: { env: Record<string, string> };
}

/** A parsed, validated berth.hcl. */
export interface BerthConfig {
  project: string;
  apps: AppConfig[];
}

/** One thing wrong with a config file, at a path of block types, labels and attribute names. */
export interface ConfigIssue {
  path: string[];
  message: string;
}
