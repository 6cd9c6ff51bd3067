import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface DataDirLock {
  release(): void;
}

/**
 * Claims a data dir for this process with a `server.lock` file holding our pid, so two servers never
 * share one store and one set of app processes. A lock left by a process that is gone (SIGKILL, power
 * loss) is taken over.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, "server.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: "wx" });
      return { release: () => rmSync(path, { force: true }) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const holder = Number.parseInt(readFileSync(path, "utf8"), 10);
    if (Number.isInteger(holder) && isAlive(holder)) {
      throw new Error(`the data dir ${dataDir} is in use by another berth server (pid ${holder})`);
    }
    rmSync(path, { force: true });
  }
  throw new Error(`cannot lock the data dir ${dataDir}: another server is starting at the same time`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
