import { constants } from "node:fs";
import { copyFile, lstat, mkdir, readdir, readlink, symlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { eachLimited } from "./each-limited.js";

/**
 * Copies the listed files (relative paths) from src to dest, keeping symlinks as links; a few at once, as
 * each file costs a create and a write that wait on the disk more than on us.
 */
export async function copyFiles(src: string, dest: string, files: string[]): Promise<number> {
  const made = new Map<string, Promise<unknown>>();
  const parentOf = (to: string): Promise<unknown> => {
    const parent = dirname(to);
    let done = made.get(parent);
    if (!done) {
      done = mkdir(parent, { recursive: true });
      made.set(parent, done);
    }
    return done;
  };
  let copied = 0;
  await eachLimited(files, 16, async (file) => {
    const from = join(src, file);
    const to = join(dest, file);
    const st = await lstat(from).catch(() => undefined);
    if (!st || st.isDirectory()) return;
    await parentOf(to);
    if (st.isSymbolicLink()) await symlink(await readlink(from), to);
    else await copyFile(from, to, constants.COPYFILE_FICLONE);
    copied++;
  });
  return copied;
}

/** Every file under dir (relative paths), skipping the named top-level directories. */
export async function listAllFiles(dir: string, skip: string[] = []): Promise<string[]> {
  const out: string[] = [];
  async function walk(rel: string): Promise<void> {
    for (const entry of await readdir(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (!rel && skip.includes(entry.name)) continue;
      if (entry.isDirectory()) await walk(path);
      else out.push(path);
    }
  }
  await walk("");
  return out;
}
