import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** Where apps go when the beside-the-data-dir default is out of the app user's reach. */
const sharedAppsRoot = "/var/lib/berth-apps";

/** True when every existing ancestor of `dir` lets others through (mode o+x), so an app user can reach it. */
function reachableByOthers(dir: string): boolean {
  for (let d = dirname(resolve(dir)); ; d = dirname(d)) {
    try {
      if ((statSync(d).mode & 0o001) === 0) return false;
    } catch {
      // Not created yet: mkdir makes it with a mode we choose.
    }
    if (d === dirname(d)) return true;
  }
}

/**
 * The apps dir for a data dir: `<data-dir>-apps`, beside it. A server running as root drops apps to another
 * user, who must be able to enter that directory; when the data dir lives under a private home (`/root` is
 * 0700, the usual case for a quickstart cloned there) it is `/var/lib/berth-apps/<hash of the data dir>`
 * instead: the same for the same data dir, so a restart or `--fresh` finds the apps again.
 */
export function defaultAppsDir(dataDir: string, runsAsRoot = process.getuid?.() === 0): string {
  const beside = `${resolve(dataDir).replace(/\/+$/, "")}-apps`;
  if (!runsAsRoot || reachableByOthers(beside)) return beside;
  const key = createHash("sha256").update(resolve(dataDir)).digest("hex").slice(0, 16);
  return join(sharedAppsRoot, key);
}
