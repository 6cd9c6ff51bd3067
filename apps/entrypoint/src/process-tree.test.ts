import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { endSession, listProcesses, sessionPids } from "./process-tree.js";

/** Starts `script` in a session of its own and resolves once it printed "ready". */
async function startSession(script: string) {
  const child = spawn("sh", ["-c", script], { detached: true, stdio: ["ignore", "pipe", "ignore"] });
  const exited = once(child, "exit");
  let out = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      if (out.includes("ready")) resolve();
    });
    child.once("exit", () => reject(new Error(`exited before it was ready: ${out}`)));
  });
  return { pid: child.pid!, exited };
}

const alive = (pid: number) => listProcesses().some((p) => p.pid === pid && p.state !== "Z");

describe("endSession", () => {
  it("hangs up on a session's background job and on a child that left for a session of its own", async () => {
    const s = await startSession("sleep 121 & setsid sleep 122 & echo ready; wait");
    const pids = sessionPids(s.pid);
    expect(pids).toHaveLength(3);
    await endSession(s.pid, 10_000);
    expect(pids.filter(alive)).toEqual([]);
    expect((await s.exited)[1]).toBe("SIGHUP");
  });

  it("kills what ignores the hang-up once the grace is over", async () => {
    const s = await startSession("trap '' HUP; sleep 121 & echo ready; wait");
    const pids = sessionPids(s.pid);
    expect(pids).toHaveLength(2);
    await endSession(s.pid, 200);
    expect(pids.filter(alive)).toEqual([]);
    expect((await s.exited)[1]).toBe("SIGKILL");
  });
});
