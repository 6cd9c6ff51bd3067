// Starts an isolated Berth for a test file as a child process (tsx e2e/support/start-stack.ts): Playwright's
// own TypeScript loader never imports the workspace packages.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import { test } from "@playwright/test";
import { attachStackLogs } from "./stack-diagnostics.js";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const script = fileURLToPath(new URL("./start-stack.ts", import.meta.url));
const haScript = fileURLToPath(new URL("./start-ha-stack.ts", import.meta.url));

export interface DemoCommit {
  sha: string;
  /** hello-node answers {"version": ..., "sha": ...}: each commit has its own version. */
  version: string;
}

export interface StackInfo {
  /** The BFF serving the dashboard, e.g. http://127.0.0.1:41234 */
  dashboardUrl: string;
  apiUrl: string;
  routerPort: number;
  /** An admin login token. */
  token: string;
  /** A one-time dashboard sign-in link (admin), as `berth login-link` prints. */
  loginLink: string;
  dataDir: string;
  project: string;
  app: string;
  /** The app's public URL (its current release). */
  appUrl: string;
  /** Per-deployment URLs, v1 first. */
  deploymentUrls: string[];
  /** The demo's commits, v1 first. */
  commits: DemoCommit[];
  /**
   * With `oidc`: the local OIDC provider the dashboard offers as "Local SSO" (people dora: deployers,
   * adam: admins, nora: marketing, devi: developers; any password; deployers and developers are deployers). POST <issuer>/__test__/rotate-keys rotates its keys;
   * POST <issuer>/__test__/accounts/<id>?group=… sets a person's groups.
   */
  oidcIssuer?: string;
  /** With `oidc`: the client registered at that provider (for a provider added in the dashboard). */
  oidcClient?: { id: string; secret: string };
  /**
   * With `ha`: the three server replicas, in the order the BFF and the router try them (`apiUrl` is the first's).
   * Each is a `berth server run` process of its own, to be SIGKILLed by pid.
   */
  replicas?: { name: string; apiUrl: string; pid: number }[];
}

export interface Stack extends StackInfo {
  /** Everything the stack wrote on stderr (job output, errors), for failure messages. */
  log(): string;
  close(): Promise<void>;
}

export interface StackOptions {
  demo?: boolean;
  oidc?: boolean;
  /** Three replicas on a fresh PostgreSQL database instead of one server on SQLite (always with the demo). */
  ha?: boolean;
}

/** Starts the stack (and ships the demo app twice with `demo`); resolves once it printed its ready line. */
export async function launchStack(options: StackOptions = {}): Promise<Stack> {
  const flags = [...(options.demo ? ["--demo"] : []), ...(options.oidc ? ["--oidc"] : [])];
  const args = options.ha ? [haScript] : [script, ...flags];
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd: repoRoot,
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-200_000);
  });
  const info = await readyLine(child, () => stderr, 150_000);
  return {
    ...info,
    log: () => stderr,
    close: () => stopChild(child),
  };
}

function readyLine(child: ChildProcess, stderr: () => string, timeoutMs: number): Promise<StackInfo> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`the e2e stack ${why}\n--- its stderr ---\n${stderr().slice(-8000)}`));
    };
    const timer = setTimeout(() => fail(`was not ready within ${timeoutMs} ms`), timeoutMs);
    child.stdout?.on("data", (d: Buffer) => {
      buffered += d.toString();
      for (const line of buffered.split("\n")) {
        if (!line.startsWith("{")) continue;
        try {
          const parsed = JSON.parse(line) as { event?: string } & StackInfo;
          if (parsed.event === "ready") {
            clearTimeout(timer);
            resolve(parsed);
          }
        } catch {
          // A partial line: wait for the rest.
        }
      }
    });
    child.on("exit", (code, signal) => fail(`exited early (${code ?? signal})`));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.stdin?.end();
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  await exited;
  clearTimeout(timer);
}

/**
 * GET an app URL (http://*.localhost:<port>) through loopback with its Host header, as the browser would
 * resolve it.
 */
export function getApp(url: string, path = "/"): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: u.port, path, headers: { host: u.host }, timeout: 5000 },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          body += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url}${path}`)));
    req.on("error", reject);
    req.end();
  });
}

/** Polls until `check` passes or the deadline ends (no event to await, e.g. an app restarting). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw last instanceof Error ? last : new Error(String(last));
}

/** Calls the server API with the Connect protocol's JSON encoding and the stack's admin token. */
export async function callApi<T = Record<string, unknown>>(
  stack: StackInfo,
  method: string,
  body: Record<string, unknown>,
): Promise<T> {
  const res = await fetch(`${stack.apiUrl}/berth.v1.${method}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${stack.token}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method}: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/** The id of deployment vN of the stack's app. */
export async function deploymentId(stack: StackInfo, seq: number): Promise<string> {
  const res = await callApi<{ deployment?: { id: string } }>(stack, "DeploymentService/GetDeployment", {
    app: { project: stack.project, app: stack.app },
    seq,
  });
  if (!res.deployment?.id) throw new Error(`no deployment v${seq}`);
  return res.deployment.id;
}

/**
 * Gives the test file its own stack: started before its first test, stopped after its last. Call the
 * returned function inside tests.
 */
export function useStack(options: StackOptions = {}): () => Stack {
  let stack: Stack | undefined;
  test.beforeAll(async () => {
    // Two `berth up`s on a busy 2-core machine can take a while.
    test.setTimeout(180_000);
    stack = await launchStack(options);
  });
  test.afterEach(async () => {
    const info = test.info();
    if (stack && info.status !== info.expectedStatus) await attachStackLogs(stack, info);
  });
  test.afterAll(async () => {
    await stack?.close();
  });
  return () => {
    if (!stack) throw new Error("the stack did not start (see the beforeAll error)");
    return stack;
  };
}
