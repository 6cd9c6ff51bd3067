// haproxy's configuration for the data plane: written once at start; everything that changes with the route table
// (server addresses, weights, states, host → backend) is set later through the runtime API, never by a reload.
import type { SlotPool } from "./plan-apply.js";

export interface HaproxyConfigOptions {
  host: string;
  port: number;
  socketPath: string;
  /** Where the master writes its pid, so the next start can retire a haproxy whose router died. */
  pidPath: string;
  pool: SlotPool;
  /** Worker threads; haproxy's default (one per core) when unset. */
  threads?: number;
  /** Seconds between haproxy's own TCP checks of each ready slot. */
  checkIntervalSeconds?: number;
}

// Inside a quoted haproxy string: no bare double quote, and no '#' (it would start a comment).
const footer = "<p style=color:gray>Berth router (haproxy)</p></body>";

/**
 * One error page as two `http-request return` rules, HTML for browsers and plain text for everything else, answered
 * when the ACL `condition` (e.g. `{ nbsrv lt 1 }`) holds, or always.
 */
function errorPage(status: number, title: string, text: string, html: string, condition = ""): string[] {
  const common = `status ${status} hdr cache-control no-store hdr x-berth-router haproxy`;
  const page = `<!doctype html><meta charset=utf-8><title>${status} ${title}</title><body style=font-family:system-ui;margin:3rem><h1>${status} ${title}</h1><p>${html}</p>${footer}`;
  const browser = `if ${condition} { req.hdr(accept) -m sub text/html }`.replace("if  ", "if ");
  return [
    `  http-request return ${common} content-type "text/html; charset=utf-8" lf-string "${page}\\n" ${browser}`,
    `  http-request return ${common} content-type "text/plain; charset=utf-8" lf-string "${status} ${title}: ${text}\\n"${condition ? ` if ${condition}` : ""}`,
  ];
}

/** Renders haproxy.cfg: one frontend on host:port, the fixed pool of backends with server-template slots. */
export function renderHaproxyConfig(options: HaproxyConfigOptions): string {
  const { pool } = options;
  const inter = options.checkIntervalSeconds ?? 2;
  // Only the characters a host name may hold: what the pages echo cannot become markup.
  const host = "%[req.hdr(host),lower,field(1,:),regsub([^a-z0-9.-],_,g)]";
  const base = `%[str(${pool.baseDomainKey}),map(${pool.namesMap})]`;
  // Looked up only when a page is answered: routing a request costs one map lookup, not two.
  const name = `%[req.hdr(host),lower,field(1,:),map(${pool.namesMap})]`;
  const lines = [
    "# Written by Berth's haproxy data plane; route changes go through the runtime API, not this file.",
    "global",
    "  master-worker",
    `  pidfile ${options.pidPath}`,
    `  stats socket ${options.socketPath} mode 600 level admin`,
    "  stats timeout 10s",
    ...(options.threads ? [`  nbthread ${options.threads}`] : []),
    "",
    "defaults",
    "  mode http",
    "  timeout connect 2s",
    "  timeout client 60s",
    "  timeout server 60s",
    "  timeout http-request 10s",
    "  timeout http-keep-alive 60s",
    "  timeout tunnel 1h",
    "  timeout check 2s",
    // One retry on another server (redispatch): a refused connection, a dropped reused connection, a timeout.
    "  retries 1",
    "  option redispatch",
    "  retry-on conn-failure empty-response response-timeout",
    "  option forwardfor",
    // haproxy's own errors, once every retry failed: plain words, no internal address.
    '  http-error status 502 content-type "text/plain; charset=utf-8" string "502 Bad gateway: the app did not answer\\n"',
    '  http-error status 503 content-type "text/plain; charset=utf-8" string "503 Unavailable: no instance of this app could take the request\\n"',
    '  http-error status 504 content-type "text/plain; charset=utf-8" string "504 Gateway timeout: the app did not answer in time\\n"',
    "",
    "frontend berth",
    `  bind ${options.host}:${options.port}`,
    // Replaying a request after part of it reached the app is only safe for methods without side effects.
    "  http-request disable-l7-retry unless { method GET HEAD OPTIONS }",
    "  http-request set-header X-Forwarded-Host %[req.hdr(host)]",
    "  http-request set-header X-Forwarded-Proto http",
    `  use_backend %[req.hdr(host),lower,field(1,:),map(${pool.hostsMap})]`,
    "  default_backend berth_unknown_host",
    "",
    "backend berth_unknown_host",
    ...errorPage(
      404,
      "Not found",
      `\\"${host}\\" is not an app host; use <app>.<project>.${base} or <app>--v<N>.<project>.${base}`,
      `This is not an app host; use &lt;app&gt;.&lt;project&gt;.${base} or &lt;app&gt;--v&lt;N&gt;.&lt;project&gt;.${base}`,
    ),
    "",
    `backend ${pool.unreleasedBackend}`,
    ...errorPage(404, "Not found", `${name} has not been released yet`, `${name} has not been released yet`),
  ];
  for (let i = 0; i < pool.backends; i++)
    lines.push(
      "",
      `backend ${pool.backendName(i)}`,
      "  balance roundrobin",
      ...errorPage(
        503,
        "Unavailable",
        `${name} has no healthy instance right now`,
        `${name} has no healthy instance right now`,
        "{ nbsrv lt 1 }",
      ),
      // Slots start in maintenance at a placeholder address; apply() gives each its endpoint. The check is TCP:
      // a slot serves whichever deployment the route table puts there, and httpchk's path is per backend.
      `  server-template s 1-${pool.slotsPerBackend} 127.0.0.1:1 disabled check inter ${inter}s fall 2 rise 1`,
    );
  return `${lines.join("\n")}\n`;
}
