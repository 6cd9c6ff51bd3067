/** The plugins each berth.hcl stanza can `use`. Adding a plugin adds a name here and a folder on the server. */
export const knownPlugins = {
  build: ["archive"],
  registry: ["server"],
  deploy: ["process", "docker", "kubernetes", "nomad"],
  release: ["router"],
} as const;

export type Stanza = keyof typeof knownPlugins;
export type DeployPlatform = (typeof knownPlugins.deploy)[number];

/** Attributes each deploy platform takes on top of command, count, max_parallel and health. */
export const platformAttributes: Record<DeployPlatform, Record<string, "string" | "number" | "list">> = {
  process: {},
  docker: {
    image: "string",
    socket: "string",
    memory: "string",
    cpus: "number",
    server_addr: "string",
    keep_images: "number",
  },
  kubernetes: {
    image: "string",
    kubeconfig: "string",
    context: "string",
    namespace: "string",
    port: "number",
    memory: "string",
    cpus: "number",
    server_addr: "string",
    service: "string",
  },
  // The ACL token is not an attribute: the server reads it from its environment (token_env, default NOMAD_TOKEN).
  nomad: {
    address: "string",
    namespace: "string",
    region: "string",
    datacenters: "list",
    driver: "string",
    image: "string",
    memory: "string",
    cpus: "number",
    canary: "number",
    token_env: "string",
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
  /** The app catalog's entry (berth.hcl `description`, `owner`, `links`); absent when not written. */
  description?: string;
  owner?: string;
  /** Named links, e.g. { runbook = "https://…", repository = "https://…" }. */
  links?: Record<string, string>;
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
    /** Platform-specific attributes (docker: image, socket, ...; kubernetes: image, namespace, ...; a list is joined with ","), as written. */
    options?: Record<string, string | number>;
  };
  release: { use: "router" };
  config: { env: Record<string, string> };
  /**
   * `retention { keep_unreleased = N }`: after each deploy and release the server destroys this app's unreleased,
   * unpinned deployments beyond the newest N (their history stays). Absent: every deployment keeps running.
   */
  retention?: { keepUnreleased: number };
  /** `source { git { … } }`: the repository the server builds this app from (`berth up --remote`, webhooks). */
  source?: { git: GitSourceConfig };
  /** `preview { … }`: a preview app `<app>--pr-<N>` per pull request (docs/git.md). */
  preview?: PreviewConfig;
}

/** An app's preview settings, as the server reads them from its stored config. */
export interface PreviewConfig {
  /** Head-branch patterns a PR must match ("feature/*"); empty: every PR. */
  branches: string[];
  /** Whether a PR from a fork gets a preview (default false). */
  forks: boolean;
  /** Destroyed this long after its last push; 0: only when its PR closes. */
  expireAfterMs: number;
  /** Env for previews only, over the app's `config { env }`. */
  config: { env: Record<string, string> };
  /** Where the commit status goes: the forge API's base URL and the secret config var holding its token. */
  status?: { apiUrl: string; token: string };
}

/** An app's git source; the server clones it into a mirror cache and builds a commit of it. */
export interface GitSourceConfig {
  /** https://, http://, ssh://, git:// or file:// URL, or scp-like `git@host:owner/repo.git`; never with a password. */
  url: string;
  /** The tracked branch (or tag) a push to which builds, deploys and maybe releases; "main" by default. */
  ref: string;
  /** The app's directory inside the repository ("." by default). */
  path: string;
  /** Name of a secret config var (project or app scope) holding the token, or "user:token"; absent: none. */
  credentials?: string;
  /** `auto_release = true`: a webhook push is released once healthy, not only deployed. */
  autoRelease: boolean;
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
