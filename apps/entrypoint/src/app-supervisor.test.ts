import { get } from "node:http";
import { describe, expect, it } from "vitest";
import { type AppStatus, createAppSupervisor } from "./app-supervisor.js";
import { freePort, waitForPort } from "./port-probe.js";

const until = async (check: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
};

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** GET http://127.0.0.1:port/ → its body, or the error's code. */
const fetchBody = (port: number) =>
  new Promise<string>((resolve) => {
    get({ host: "127.0.0.1", port, path: "/" }, (res) => {
      let body = "";
      res.on("data", (d) => {
        body += d;
      });
      res.on("end", () => resolve(body));
    }).on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });

// An app that answers with its G, and exits at once when G is "bad".
const server = `if (process.env.G === "bad") process.exit(3);
require("node:http").createServer((q, s) => s.end(process.env.G)).listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));`;

describe("createAppSupervisor", () => {
  it("reports starting until ready, and resolves exited with the code", async () => {
    let markReady!: (ok: boolean) => void;
    const lines: string[] = [];
    const sup = createAppSupervisor({
      command: ["sh", "-c", 'echo "G=$G"; exec sleep 30'],
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", G: "old" },
      configRevision: 1,
      configKeys: ["G"],
      onLine: (l) => lines.push(Buffer.from(l.data).toString()),
      onStatus: () => {},
      ready: () => new Promise<boolean>((r) => (markReady = r)),
    });
    sup.start();
    await until(() => lines.length === 1);
    expect(lines).toEqual(["G=old"]);
    expect(sup.status.state).toBe("starting");
    markReady(true);
    await until(() => sup.status.state === "running");
    expect(sup.configDiffers({ G: "old" })).toBe(false);
    expect(sup.configDiffers({ G: "new" })).toBe(true);
    sup.kill("SIGTERM");
    expect((await sup.exited).code).toBe(143);
    expect(sup.status).toMatchObject({ state: "exited", exitCode: 143 });
  });

  it("applies a config surge-first: the new app on a new port first, the old one stopped after the drain", async () => {
    const statuses: AppStatus[] = [];
    const readyCalls: { port: number; servingPid: number; servingAlive: boolean }[] = [];
    const firstPort = await freePort();
    const app = createAppSupervisor({
      command: [process.execPath, "-e", server],
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", G: "old", PORT: String(firstPort) },
      configRevision: 1,
      configKeys: ["G"],
      onLine: () => {},
      onStatus: (s) => statuses.push(s),
      ready: (port, signal) => {
        readyCalls.push({ port, servingPid: app.status.pid, servingAlive: alive(app.status.pid) });
        return waitForPort(port, 10_000, signal);
      },
      freePort,
      drainMs: 1_500,
      stopTimeoutMs: 2_000,
    });
    let exitedEarly = false;
    void app.exited.then(() => (exitedEarly = true));
    app.start();
    await until(() => app.status.state === "running");
    const oldPid = app.status.pid;
    expect(await fetchBody(firstPort)).toBe("old");

    // When the switch is reported, the new app answers on its own port and the old one still serves.
    const switched = new Promise<AppStatus>((resolve) => {
      const poll = setInterval(() => {
        const s = statuses.find((x) => x.configRevision === 2);
        if (s) {
          clearInterval(poll);
          resolve(s);
        }
      }, 5);
    });
    const applied = app.applyConfig({ G: "new" }, 2);
    const report = await switched;
    expect(report).toMatchObject({ state: "running", restarts: 1 });
    expect(report.port).not.toBe(firstPort);
    expect(report.pid).not.toBe(oldPid);
    expect(alive(oldPid)).toBe(true);
    expect(await fetchBody(report.port)).toBe("new");
    expect(await fetchBody(firstPort)).toBe("old");
    // The replacement was started (and probed) while the old app was serving.
    expect(readyCalls.at(-1)).toMatchObject({ port: report.port, servingPid: oldPid, servingAlive: true });
    // Nothing reported the old port after the switch, and no status between said "exited".
    expect(
      statuses.filter((s) => s.state !== "running" && s.configRevision === 1).map((s) => s.state),
    ).toEqual(["starting", "starting"]);

    await applied;
    expect(alive(oldPid)).toBe(false);
    expect(await fetchBody(firstPort)).toBe("ECONNREFUSED");
    // The old app's exit during the drain is not the app exiting.
    expect(exitedEarly).toBe(false);
    expect(app.status).toMatchObject({ state: "running", configRevision: 2, port: report.port, restarts: 1 });
    expect(app.env).toMatchObject({ G: "new", PORT: String(report.port), BERTH_CONFIG_REVISION: "2" });

    // A config whose app exits at once: the old one keeps serving and the failure is reported.
    await expect(app.applyConfig({ G: "bad" }, 3)).rejects.toThrow(/revision 3 could not be applied/);
    expect(app.status).toMatchObject({
      state: "running",
      configRevision: 2,
      configErrorRevision: 3,
      port: report.port,
      pid: report.pid,
    });
    expect(app.status.configError).toMatch(/exited \(code 3\) before it was ready/);
    expect(await fetchBody(report.port)).toBe("new");
    expect(app.env.G).toBe("new");

    app.kill("SIGTERM");
    await app.exited;
    expect(app.status.state).toBe("exited");
  }, 30_000);

  it("keeps the old app serving when the new one never listens within the bound", async () => {
    // G=mute: the app runs but never listens (a broken config), so it is never ready.
    const muteable = server.replace(
      'if (process.env.G === "bad") process.exit(3);',
      'if (process.env.G === "mute") setInterval(() => {}, 1000); else',
    );
    const port = await freePort();
    const app = createAppSupervisor({
      command: [process.execPath, "-e", muteable],
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", G: "old", PORT: String(port) },
      configRevision: 1,
      configKeys: ["G"],
      onLine: () => {},
      onStatus: () => {},
      ready: (p, signal) => waitForPort(p, 1_000, signal),
      freePort,
      drainMs: 100,
      stopTimeoutMs: 2_000,
    });
    app.start();
    await until(() => app.status.state === "running");
    const pid = app.status.pid;
    await expect(app.applyConfig({ G: "mute" }, 2)).rejects.toThrow(/did not listen on port \d+ in time/);
    expect(app.status).toMatchObject({
      state: "running",
      pid,
      port,
      configRevision: 1,
      configErrorRevision: 2,
      restarts: 0,
    });
    expect(await fetchBody(port)).toBe("old");
    app.kill("SIGTERM");
    await app.exited;
  }, 30_000);
});
