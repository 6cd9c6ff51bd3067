// `berth login --web`'s browser flow against a real server and a real BFF: the "browser" is a cookie jar
// that signs in with a token, confirms on the BFF's page and follows its redirect to the CLI's listener.
import { AuthService, Role } from "@berth/proto";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningBff, startBff } from "../../bff/src/server.js";
import { BrowserSession } from "../../bff/test/helpers/browser-session.js";
import { startTestServer, type TestServer } from "../../server/test/helpers/test-server.js";
import { browserLogin } from "../src/login/browser-login.js";

let server: TestServer;
let bff: RunningBff;
beforeAll(async () => {
  server = await startTestServer({ shutdownGraceMs: 500 });
  bff = await startBff({
    serverUrl: server.apiUrl,
    port: 0,
    host: "127.0.0.1",
    logger: false,
    shutdownGraceMs: 300,
  });
});
afterAll(async () => {
  await bff?.close();
  await server?.dispose();
});

/** A signed-in browser that opens the CLI's URL, presses "Sign in the CLI" and follows the redirects. */
async function signedInBrowser() {
  const tab = new BrowserSession(bff.url);
  expect((await tab.login(server.bootstrapToken!)).status).toBe(200);
  const redirects: string[] = [];
  const open = async (url: string) => {
    const page = await tab.fetch(url, { redirect: "manual" });
    const html = await page.text();
    const fields = Object.fromEntries(
      [...html.matchAll(/name="([a-z]+)" value="([^"]*)"/g)].map((m) => [
        m[1]!,
        m[2]!.replace(/&#38;/g, "&"),
      ]),
    );
    let res = await tab.fetch("/auth/cli", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
      redirect: "manual",
    });
    while (res.status === 303) {
      const next = res.headers.get("location") ?? "";
      redirects.push(next);
      res = await fetch(next, { redirect: "manual" });
    }
    return { page: html, final: res };
  };
  return { tab, redirects, open };
}

describe("browserLogin", () => {
  it("gets the signed-in person's token through one redirect to the CLI's listener", async () => {
    const browser = await signedInBrowser();
    let seen: Promise<{ page: string; final: Response }> | undefined;
    const token = await browserLogin({
      dashboard: bff.url,
      say: () => {},
      open: (url) => {
        seen = browser.open(url);
      },
    });
    const { page, final } = await seen!;
    expect(page).toContain("Sign in the berth CLI");
    expect(browser.redirects).toHaveLength(1);
    expect(browser.redirects[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?code=/);
    expect(final.status).toBe(200);
    expect(await final.text()).toContain("You can close this tab");

    const me = await createClient(AuthService, createGrpcTransport({ baseUrl: server.apiUrl })).whoAmI(
      {},
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(me.token?.role).toBe(Role.ADMIN);
    expect(me.token?.name).toMatch(/^berth CLI of /);
  });

  it("ignores a visitor without the right state, and still completes the real sign-in", async () => {
    const browser = await signedInBrowser();
    let poked: Response | undefined;
    const token = await browserLogin({
      dashboard: bff.url,
      say: () => {},
      open: (url) => {
        const port = new URL(url).searchParams.get("port");
        void (async () => {
          poked = await fetch(`http://127.0.0.1:${port}/callback?code=planted&state=guessed`);
          await browser.open(url);
        })();
      },
    });
    expect(poked?.status).toBe(400);
    expect(token).toMatch(/^berth_/);
  });

  it("gives up with a clear message when the browser never comes back", async () => {
    await expect(
      browserLogin({ dashboard: bff.url, say: () => {}, open: () => {}, timeoutMs: 300 }),
    ).rejects.toThrow(/login timed out: the browser did not come back/);
  });
});
