import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The unprivileged user apps and exec'd commands run as when the server runs as root. */
export interface AppUser {
  name: string;
  uid: number;
  gid: number;
}

/** The user created for apps when none is configured. */
export const defaultAppUser = "berth-app";

async function lookup(name: string): Promise<AppUser | undefined> {
  const line = await run("getent", ["passwd", name]).then(
    (r) => r.stdout.trim(),
    () => "",
  );
  const [, , uid, gid] = line.split(":");
  if (!uid || !gid) return undefined;
  return { name, uid: Number(uid), gid: Number(gid) };
}

/**
 * The user apps run as: undefined when the server is not root (apps then share its user; see
 * docs/runtime.md for what that does and does not isolate). As root, `name` must exist; the default
 * `berth-app` is created as a system user without a login shell or home when missing.
 */
export async function resolveAppUser(name = defaultAppUser): Promise<AppUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const found = await lookup(name);
  if (found) return refuseRoot(found);
  if (name !== defaultAppUser)
    throw new Error(`app user "${name}" does not exist; create it or leave --app-user unset`);
  const created = await run("useradd", [
    "--system",
    "--user-group",
    "--no-create-home",
    "--home-dir",
    "/nonexistent",
    "--shell",
    "/usr/sbin/nologin",
    name,
  ]).then(
    () => undefined,
    (err: unknown) => err,
  );
  // Another server on this host may have created it in the meantime: look again before failing.
  const after = await lookup(name);
  if (after) return refuseRoot(after);
  throw new Error(`cannot create the app user "${name}" with useradd; create it or pass --app-user`, {
    cause: created,
  });
}

function refuseRoot(user: AppUser): AppUser {
  if (user.uid === 0) throw new Error(`app user "${user.name}" is root; apps must run unprivileged`);
  return user;
}
