import { describe, expect, it } from "vitest";
import { type AppStatus, createAppSupervisor } from "./app-supervisor.js";

const until = async (check: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("createAppSupervisor", () => {
  it("reports starting until ready, restarts with a new config, and resolves exited with the code", async () => {
    const lines: string[] = [];
    const statuses: AppStatus[] = [];
    let markReady!: () => void;
    const sup = createAppSupervisor({
      command: ["sh", "-c", 'echo "G=$G rev=$BERTH_CONFIG_REVISION"; exec sleep 30'],
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", G: "old", OLD_ONLY: "1" },
      configRevision: 1,
      configKeys: ["G", "OLD_ONLY"],
      onLine: (l) => lines.push(Buffer.from(l.data).toString()),
      onStatus: (s) => statuses.push(s),
      ready: () => new Promise<void>((r) => (markReady = r)),
      stopTimeoutMs: 2000,
    });
    sup.start();
    await until(() => lines.length === 1);
    expect(sup.status.state).toBe("starting");
    markReady();
    await until(() => sup.status.state === "running");

    expect(sup.configDiffers({ G: "old", OLD_ONLY: "1" })).toBe(false);
    expect(sup.configDiffers({ G: "new" })).toBe(true);
    await sup.applyConfig({ G: "new" }, 2);
    await until(() => lines.length === 2);
    expect(lines).toEqual(["G=old rev=", "G=new rev=2"]);
    expect(sup.env.OLD_ONLY).toBeUndefined();
    expect(sup.status).toMatchObject({ configRevision: 2, restarts: 1 });

    markReady();
    sup.kill("SIGTERM");
    expect((await sup.exited).code).toBe(143);
    expect(statuses.at(-1)).toMatchObject({ state: "exited", exitCode: 143 });
  });
});
