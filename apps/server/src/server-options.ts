/** Everything a server instance is configured with (flags and env in `berth server run`). */
export interface ServerOptions {
  /** Where the SQLite store, artifacts, deployments and logs live. */
  dataDir: string;
  /** Host the API and router listen on. */
  host: string;
  /** The berth.v1 API port (gRPC, gRPC-Web and Connect on one port). 0 picks a free one. */
  apiPort: number;
  /** The URL router port. 0 picks a free one. */
  routerPort: number;
  /** Base domain of per-deployment URLs: `<app>--v<N>.<project>.<baseDomain>`. */
  baseDomain: string;
  /** Run the built-in runner inside the server. */
  builtinRunner: boolean;
  /** Disk bound of stored log lines (logs.db); the largest instances lose their oldest lines first. */
  logMaxBytes: number;
}

/** Defaults: ports 9701/9702, *.localhost URLs. */
export function defaultServerOptions(dataDir: string): ServerOptions {
  return {
    dataDir,
    host: "127.0.0.1",
    apiPort: 9701,
    routerPort: 9702,
    baseDomain: "localhost",
    builtinRunner: true,
    logMaxBytes: 512 * 1024 * 1024,
  };
}
