// `berth login` without a token in argv (stdin, BERTH_TOKEN, a one-time code) and `berth login-link`, through
// the real binary against a real server.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLoginCode, issueToken } from "@berth/server";
import * as pty from "node-pty";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../server/test/helpers/test-server.js";
import { berthBin, runBerth } from "./helpers/run-berth.js";
import { until } from "./helpers/until.js";

describe("berth login and login-link", () => {
  let server: TestServer;
  const dirs: string[] = [];

  /** A fresh config dir per scenario: each starts logged out. */
  const freshConfig = () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-login-"));
    dirs.push(dir);
    return dir;
  };
  const berth = (
    configDir: string,
    args: string[],
    extra: { env?: NodeJS.ProcessEnv; input?: string } = {},
  ) =>
    runBerth(args, {
      env: { ...process.env, BERTH_CONFIG_DIR: configDir, NO_COLOR: "1", BERTH_TOKEN: "", ...extra.env },
      timeout: 20_000,
      input: extra.input,
    });
  const contexts = (configDir: string) => JSON.parse(readFileSync(join(configDir, "contexts.json"), "utf8"));
  const mintCode = async (name: string) => {
    const minter = await issueToken(server.ctx.store.db, { kind: "login", role: "admin", name: "minter" });
    return (await createLoginCode(server.ctx.store.db, { role: "admin", name, createdBy: minter.info.id }))
      .code;
  };

  beforeAll(async () => {
    server = await startTestServer({ shutdownGraceMs: 500 });
  });
  afterAll(async () => {
    await server?.dispose();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("reads the token from piped stdin or BERTH_TOKEN, and says how to give one when there is none", async () => {
    const viewer = await issueToken(server.ctx.store.db, { kind: "login", role: "viewer", name: "pipe" });
    const piped = freshConfig();
    const fromStdin = await berth(piped, ["login", "--server", server.apiUrl], {
      input: `${viewer.secret}\n`,
    });
    expect(fromStdin.stderr).toBe("");
    expect(fromStdin.stdout).toContain("as pipe (viewer)");
    expect(contexts(piped).contexts[0].token).toBe(viewer.secret);

    const fromEnv = await berth(freshConfig(), ["login", "--server", server.apiUrl], {
      env: { BERTH_TOKEN: viewer.secret },
    });
    expect(fromEnv.stdout).toContain("as pipe (viewer)");

    const none = await berth(freshConfig(), ["login", "--server", server.apiUrl]);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(
      "berth: no token: type or paste it at the prompt, pipe it in (berth login < file), set BERTH_TOKEN, or use --code\n",
    );
  });

  it("prompts for the token on a terminal without echoing it", async () => {
    const typed = await issueToken(server.ctx.store.db, { kind: "login", role: "deployer", name: "typed" });
    const config = freshConfig();
    const term = pty.spawn(process.execPath, [berthBin, "login", "--server", server.apiUrl], {
      cols: 200,
      rows: 24,
      env: { ...process.env, BERTH_CONFIG_DIR: config, NO_COLOR: "1", BERTH_TOKEN: "" } as Record<
        string,
        string
      >,
    });
    let screen = "";
    term.onData((data) => {
      screen += data;
    });
    const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    await until("the token prompt", () => screen.includes("Token: "), 20_000, 50);
    term.write(`${typed.secret}\r`);
    expect(await exited, screen).toBe(0);
    expect(screen).toContain("as typed (deployer)");
    expect(screen).not.toContain(typed.secret);
    expect(contexts(config).contexts[0].token).toBe(typed.secret);
  });

  it("exchanges a one-time code for a login token, once, and remembers the dashboard", async () => {
    const code = await mintCode("newcomer");
    const config = freshConfig();
    const args = [
      "login",
      "--server",
      server.apiUrl,
      "--dashboard",
      "http://localhost:9700/",
      "--code",
      code,
    ];
    const first = await berth(config, args);
    expect(first.stderr).toBe("");
    expect(first.stdout).toContain("as newcomer (admin)");
    const saved = contexts(config).contexts[0];
    expect(saved).toMatchObject({ server: server.apiUrl, dashboard: "http://localhost:9700" });
    expect(saved.token).toMatch(/^berth_/);
    expect(saved.token).not.toBe(code);

    // whoami says who the saved context is to the server, as text and as JSON.
    const who = await berth(config, ["whoami"]);
    expect(who.code).toBe(0);
    expect(who.stdout).toMatch(
      /^newcomer \(login, admin\)\n {2}server {4}\S+ \(context "[^"]+"\)\n {2}expires {3}/,
    );
    const whoJson = JSON.parse((await berth(config, ["whoami", "--json"])).stdout);
    expect(whoJson).toMatchObject({ name: "newcomer", role: "admin", kind: "login" });

    const again = await berth(freshConfig(), args);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      `berth: login failed: the server at ${server.apiUrl} refused the code (the login code is unknown, used or expired); a code works once, for 10 minutes\n`,
    );
  });

  it("prints a one-time dashboard link for an admin, and says what is missing otherwise", async () => {
    const config = freshConfig();
    expect(
      (await berth(config, ["login", "--server", server.apiUrl, "--code", await mintCode("admin")])).code,
    ).toBe(0);

    const unknown = await berth(config, ["login-link"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("the dashboard's address is not known for context \"");
    expect(unknown.stderr).toContain("pass --dashboard <url>");

    const link = await berth(config, ["login-link", "--dashboard", "http://localhost:9700"]);
    expect(link.stderr).toBe("One-time sign-in link (works once, for 10 minutes):\n");
    const url = link.stdout.trim();
    expect(url).toMatch(/^http:\/\/localhost:9700\/auth\/magic\/berthc_\S+$/);
    // Remembered: the next link needs no flag. The code in the link is a real, unused login code.
    const next = await berth(config, ["login-link", "--role", "viewer"]);
    expect(next.stdout).toMatch(/^http:\/\/localhost:9700\/auth\/magic\/berthc_\S+\n$/);
    const code = url.slice(url.lastIndexOf("/") + 1);
    const redeemed = await berth(freshConfig(), ["login", "--server", server.apiUrl, "--code", code]);
    expect(redeemed.stdout).toContain("as dashboard sign-in link (admin)");

    const viewer = await issueToken(server.ctx.store.db, { kind: "login", role: "viewer", name: "v" });
    const denied = await berth(freshConfig(), ["login-link", "--dashboard", "http://localhost:9700"], {
      env: { BERTH_SERVER: server.apiUrl, BERTH_TOKEN: viewer.secret },
    });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^berth: permission_denied: /);
  });
});
