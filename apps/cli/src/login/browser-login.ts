import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface BrowserLoginOptions {
  /** The dashboard's origin, e.g. https://berth.example.com. */
  dashboard: string;
  /** Opens a URL in the person's browser (default: $BROWSER, else the platform's opener). */
  open?: (url: string) => void;
  /** Tells the person what is going on (the URL to open by hand, mostly). */
  say: (line: string) => void;
  /** How long to wait for the browser (default 5 minutes). */
  timeoutMs?: number;
}

const closeTabPage = (text: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Berth CLI</title></head><body style="font-family: system-ui, sans-serif; margin: 4rem auto; max-width: 32rem"><p>${text}</p></body></html>`;

/** Opens a URL with $BROWSER or the platform's opener; failing quietly is fine, the URL is printed. */
export function openInBrowser(url: string): void {
  const [command, args] = process.env.BROWSER
    ? [process.env.BROWSER, [url]]
    : process.platform === "darwin"
      ? ["open", [url]]
      : process.platform === "win32"
        ? ["cmd", ["/c", "start", "", url]]
        : ["xdg-open", [url]];
  const child = spawn(command, args, { stdio: "ignore", detached: true });
  child.on("error", () => {});
  child.unref();
}

/**
 * Signs the CLI in through the dashboard (like gcloud's and Waypoint's browser logins): listens on
 * 127.0.0.1, opens <dashboard>/auth/cli with a PKCE challenge, waits for the browser to come back with
 * a one-time code, and exchanges it (with the verifier only this process knows) for a login token.
 */
export async function browserLogin(options: BrowserLoginOptions): Promise<string> {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const state = randomBytes(16).toString("base64url");
  let settle: { resolve(code: string): void; reject(err: Error): void } | undefined;
  const arrived = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method !== "GET" || url.pathname !== "/callback") {
      res.writeHead(404).end();
      return;
    }
    const code = url.searchParams.get("code");
    // Another page poking at our port must not end the wait, nor learn anything.
    if (url.searchParams.get("state") !== state || !code) {
      res
        .writeHead(400, { "content-type": "text/html; charset=utf-8" })
        .end(closeTabPage("This is not the sign-in this CLI is waiting for."));
      return;
    }
    res
      .writeHead(200, { "content-type": "text/html; charset=utf-8" })
      .end(closeTabPage("The berth CLI is signed in. You can close this tab."));
    settle?.resolve(code);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const timer = setTimeout(
    () =>
      settle?.reject(
        new Error("login timed out: the browser did not come back; run berth login --web again"),
      ),
    options.timeoutMs ?? 5 * 60_000,
  );
  try {
    const { port } = server.address() as AddressInfo;
    const url = new URL("/auth/cli", options.dashboard);
    url.search = new URLSearchParams({ port: String(port), state, challenge }).toString();
    options.say(`Opening ${url.href} in your browser; if it does not open, open that address yourself.`);
    (options.open ?? openInBrowser)(url.href);
    const code = await arrived;
    const res = await fetch(new URL("/auth/cli/token", options.dashboard), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code, verifier }),
    });
    const body = (await res.json().catch(() => ({}))) as { token?: string; message?: string };
    if (!res.ok || !body.token) {
      throw new Error(
        `login failed: the dashboard refused the code (${body.message ?? `HTTP ${res.status}`})`,
      );
    }
    return body.token;
  } finally {
    clearTimeout(timer);
    server.closeAllConnections();
    server.close();
  }
}
