/** Where the URL router is reachable: the base domain of app hosts and the router's port. */
export interface UrlOptions {
  baseDomain: string;
  routerPort: number;
}

/** The app's public URL, served by its current release: `http://<app>.<project>.<baseDomain>:<routerPort>`. */
export function appUrl(project: string, app: string, opts: UrlOptions): string {
  return `http://${app}.${project}.${opts.baseDomain}:${opts.routerPort}`;
}

/** One deployment's own URL, whether released or not: `http://<app>--v<N>.<project>.<baseDomain>:<routerPort>`. */
export function deploymentUrl(project: string, app: string, seq: number, opts: UrlOptions): string {
  return `http://${app}--v${seq}.${project}.${opts.baseDomain}:${opts.routerPort}`;
}

/** URL options of a running server: its base domain and the router's real port (the configured one until it listens). */
export function urlOptionsOf(ctx: {
  options: { baseDomain: string; routerPort: number };
  routerPort: number;
}): UrlOptions {
  return { baseDomain: ctx.options.baseDomain, routerPort: ctx.routerPort || ctx.options.routerPort };
}
