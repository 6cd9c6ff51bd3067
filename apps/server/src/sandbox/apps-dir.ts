import { chmod, mkdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { AppUser } from "./app-user.js";

/**
 * Creates the apps dir (where deployments are unpacked, outside the private data dir) as 0711: the app
 * user may enter its own deployment's directory but not list the others. With an app user, every
 * ancestor must let others through, or the app could not even start in its directory.
 */
export async function prepareAppsDir(appsDir: string, user: AppUser | undefined): Promise<void> {
  // Each directory made on the way (e.g. /var/lib/berth-apps) is 0711 too: `mkdir -p` would give the ones above
  // the leaf the server's umask (077), and the next app user could not get through them.
  const missing: string[] = [];
  for (let dir = resolve(appsDir); !(await exists(dir)); dir = dirname(dir)) missing.unshift(dir);
  for (const dir of missing) {
    await mkdir(dir, { recursive: true, mode: 0o711 });
    await chmod(dir, 0o711);
  }
  await chmod(appsDir, 0o711);
  if (!user) return;
  for (let dir = dirname(resolve(appsDir)); ; dir = dirname(dir)) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0)
      throw new Error(
        `apps dir ${appsDir} is not reachable by the app user "${user.name}": ${dir} is mode ` +
          `${(mode & 0o777).toString(8)}; pass --apps-dir under a directory others may enter (e.g. /var/lib/berth-apps)`,
      );
    if (dir === dirname(dir)) return;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
