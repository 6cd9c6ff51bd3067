import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { createReadStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { until } from "./until.js";

/** A dockerd of a test's own: private socket and state, no bridge network and no iptables rules. */
export interface TestDockerd {
  socket: string;
  docker: Docker;
  stop(): Promise<void>;
}

/**
 * Starts `dockerd` (Debian's docker.io; .ci/run installs it) on a socket in a temp dir with its own
 * --data-root/--exec-root/--pidfile, and no bridge, iptables or masquerading: containers get the host's network
 * only. Resolves once the engine answers /_ping.
 */
export async function startTestDockerd(): Promise<TestDockerd> {
  const dir = mkdtempSync(join(tmpdir(), "berth-dockerd-"));
  const socket = join(dir, "docker.sock");
  const child: ChildProcess = spawn(
    "dockerd",
    [
      "--host",
      `unix://${socket}`,
      "--data-root",
      join(dir, "data"),
      "--exec-root",
      join(dir, "exec"),
      "--pidfile",
      join(dir, "docker.pid"),
      "--bridge=none",
      "--iptables=false",
      "--ip-masq=false",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr!.on("data", (d: Buffer) => {
    log = (log + d.toString()).slice(-10_000);
  });
  const exited = once(child, "exit");
  // Once dockerd is gone (or never started: ENOENT) the poll below stops too, instead of failing later unhandled.
  let gone = false;
  exited.then(
    () => (gone = true),
    () => (gone = true),
  );
  const docker = new Docker({ socketPath: socket });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      child.kill("SIGTERM");
      await exited.catch(() => {});
    }
    // dockerd leaves its default network namespace bind-mounted under --exec-root (and overlay mounts if it
    // was killed): unmount what is left under our dir, deepest first, before removing it.
    const mounts = readFileSync("/proc/mounts", "utf8")
      .split("\n")
      .map((line) => line.split(" ")[1] ?? "")
      .filter((m) => m.startsWith(`${dir}/`))
      .sort((a, b) => b.length - a.length);
    for (const m of mounts) execFileSync("umount", [m]);
    rmSync(dir, { recursive: true, force: true });
  };
  await Promise.race([
    until("dockerd to answer /_ping", () => gone || docker.ping().then(Boolean, () => false), 60_000, 100),
    exited.then(() => {
      throw new Error(`dockerd exited before it answered:\n${log}`);
    }),
  ]).catch(async (err: unknown) => {
    // It never answered (or never started): nothing of it may be left behind either.
    await stop();
    throw err;
  });
  return { socket, docker, stop };
}

/**
 * No registry is reachable here: a base image made by importing a tar of this machine's own `node` and the
 * libraries `ldd` lists for it, plus dash as /bin/sh (commands run as `sh -c`).
 */
export async function importNodeBaseImage(docker: Docker, repo: string, tag: string): Promise<string> {
  const binaries = [process.execPath, "/bin/dash"];
  const libs = binaries.flatMap((b) => execFileSync("ldd", [b], { encoding: "utf8" }).match(/\/\S+/g) ?? []);
  const files = [...new Set([...binaries, ...libs])].map((f) => f.slice(1));
  const dir = mkdtempSync(join(tmpdir(), "berth-rootfs-"));
  try {
    const tar = join(dir, "rootfs.tar");
    // -h: the image gets the files symlinks point at (ld-linux, lib64).
    execFileSync("tar", ["-chf", tar, "-C", "/", "--transform", "s,^bin/dash$,bin/sh,", ...files]);
    const stream = await docker.importImage(createReadStream(tar), { repo, tag });
    await new Promise((resolve, reject) =>
      docker.modem.followProgress(stream, (err, res) => (err ? reject(err) : resolve(res))),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return `${repo}:${tag}`;
}
