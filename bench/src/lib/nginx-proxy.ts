// nginx (Debian's nginx-light) as the peer reverse proxy: one worker, upstream keep-alive, no access log; its
// config lives in a temp dir and it runs as our child process (daemon off), stopped after the figure.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "./stats.js";

export interface NginxProxy {
  port: number;
  /** The master's pid (its worker is a child: measure CPU with descendants). */
  pid: number;
  close(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/**
 * Starts nginx proxying every request to 127.0.0.1:`upstreamPorts` (round robin), setting the X-Forwarded-* headers
 * Berth's routers set, so the peer does the same work per request.
 */
export function startNginx(upstreamPorts: number[]): Promise<NginxProxy> {
  return runNginx(
    (port) => `
  upstream app {
${upstreamPorts.map((p) => `    server 127.0.0.1:${p};`).join("\n")}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      # The same work Berth's routers do for every request: tell the app who asked and how.
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
  }`,
  );
}

/**
 * nginx answering every request itself (`return 200`, a 3-byte body): an upstream that costs far less per request
 * than any proxy in front of it. Keep-alive connections are never recycled, so proxies do not reconnect mid-run.
 */
export function startStaticNginx(): Promise<NginxProxy> {
  return runNginx(
    (port) => `
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:${port};
    location / {
      default_type text/plain;
      return 200 "ok\n";
    }
  }`,
  );
}

/** Runs nginx (one worker, no access log, temp paths in a temp dir) with `server` blocks for a free port. */
async function runNginx(servers: (port: number) => string): Promise<NginxProxy> {
  const dir = mkdtempSync(join(tmpdir(), "berth-bench-nginx-"));
  const port = await freePort();
  const conf = `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${servers(port)}
}
`;
  writeFileSync(join(dir, "nginx.conf"), conf);
  const child: ChildProcess = spawn(
    "/usr/sbin/nginx",
    ["-p", dir, "-c", join(dir, "nginx.conf"), "-g", "daemon off;"],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  // Not installed (ENOENT): fail this section with the reason instead of crashing the whole run.
  let spawnError: Error | undefined;
  child.once("error", (err) => {
    spawnError = err;
  });
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d;
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  await waitFor(
    "nginx to listen",
    async () => {
      if (spawnError)
        throw new Error(`cannot start nginx (Debian package nginx-light): ${spawnError.message}`);
      if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
      const r = await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
      return r?.ok;
    },
    10_000,
  );
  return {
    port,
    pid: child.pid!,
    async close() {
      child.kill("SIGQUIT");
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
