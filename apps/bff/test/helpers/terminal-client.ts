import WebSocket from "ws";
import type { BrowserSession } from "./browser-session.js";

/** What a terminal session looked like from the browser's side. */
export interface TerminalTranscript {
  output: () => string;
  controls: Record<string, unknown>[];
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves once the output matches. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  waitForControl(type: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  ws: WebSocket;
}

const open = new Set<WebSocket>();

/** Drops every terminal a test left open, so one failure does not spill into the next test. */
export function terminateTerminals(): void {
  for (const ws of open) ws.terminate();
  open.clear();
}

/** Opens /api/exec like the dashboard: the tab's cookie and Origin ride on the upgrade. */
export function openTerminal(
  tab: BrowserSession,
  start?: unknown,
  origin = tab.origin,
  /** Frames sent in the same tick right behind the start frame (typed-ahead input). */
  typeAhead: (string | Buffer)[] = [],
): TerminalTranscript {
  const url = new URL("/api/exec", tab.baseUrl);
  url.protocol = "ws:";
  const ws = new WebSocket(url, { headers: { cookie: tab.cookieHeader(), ...(origin ? { origin } : {}) } });
  open.add(ws);
  ws.on("close", () => open.delete(ws));
  let output = "";
  const controls: Record<string, unknown>[] = [];
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };
  ws.on("open", () => {
    if (start !== undefined) ws.send(typeof start === "string" ? start : JSON.stringify(start));
    for (const frame of typeAhead) ws.send(frame);
  });
  ws.on("message", (data, isBinary) => {
    if (isBinary) output += Buffer.from(data as Buffer).toString("utf8");
    else controls.push(JSON.parse(String(data)) as Record<string, unknown>);
    notify();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on("close", (code, reason) => {
      resolve({ code, reason: reason.toString() });
      notify();
    });
  });
  ws.on("error", () => {
    // Refused upgrades surface as "unexpected-response" and a close; the test reads those.
  });
  const waitFor = <T>(check: () => T | undefined, what: string, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        listeners.delete(run);
        reject(new Error(`timed out waiting for ${what}; output so far: ${JSON.stringify(output)}`));
      }, timeoutMs);
      const run = () => {
        const value = check();
        if (value !== undefined) {
          clearTimeout(timer);
          listeners.delete(run);
          resolve(value);
        }
      };
      listeners.add(run);
      run();
    });
  return {
    ws,
    output: () => output,
    controls,
    closed,
    waitForOutput: (pattern, timeoutMs = 10_000) =>
      waitFor(() => (pattern.test(output) ? true : undefined), String(pattern), timeoutMs).then(
        () => undefined,
      ),
    waitForControl: (type, timeoutMs = 10_000) =>
      waitFor(() => controls.find((c) => c.type === type), `a ${type} frame`, timeoutMs),
  };
}

/** Tries an upgrade and reports the HTTP status it was refused with (or 101 when it was accepted). */
export function upgradeStatus(tab: BrowserSession, origin: string | undefined): Promise<number> {
  const url = new URL("/api/exec", tab.baseUrl);
  url.protocol = "ws:";
  const headers: Record<string, string> = {};
  const cookie = tab.cookieHeader();
  if (cookie) headers.cookie = cookie;
  if (origin) headers.origin = origin;
  const ws = new WebSocket(url, { headers });
  return new Promise((resolve) => {
    ws.on("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on("open", () => {
      resolve(101);
      ws.close();
    });
    ws.on("error", () => undefined);
  });
}
