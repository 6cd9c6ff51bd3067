import { constants } from "node:fs";
import { chmod, copyFile, cp, link, lstat, mkdir, readdir, readlink, symlink } from "node:fs/promises";
import { join } from "node:path";
import { eachLimited } from "./each-limited.js";

/** A copy of a tree as its own files (a reflink where the filesystem offers one), keeping symlinks as links. */
export async function copyTree(from: string, to: string): Promise<void> {
  await cp(from, to, {
    recursive: true,
    verbatimSymlinks: true,
    preserveTimestamps: true,
    mode: constants.COPYFILE_FICLONE,
  });
}

/**
 * Recreates the tree `from` at `to` with hard links to its files: on this kind of disk, creating a file with
 * its bytes costs some twenty times a link. A file already linked elsewhere (nlink > 1: a pnpm store, the
 * working tree) is copied instead, so the new tree shares inodes with `from` only.
 */
export async function linkTree(from: string, to: string): Promise<void> {
  const files: string[] = [];
  const links: string[] = [];
  async function walk(rel: string): Promise<void> {
    await mkdir(join(to, rel), { recursive: !rel });
    // The directory's mode goes into the archive: the same as `from`'s, whatever our umask.
    await chmod(join(to, rel), (await lstat(join(from, rel))).mode & 0o7777);
    const entries = await readdir(join(from, rel), { withFileTypes: true });
    const dirs: string[] = [];
    for (const entry of entries) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) dirs.push(path);
      else if (entry.isSymbolicLink()) links.push(path);
      else if (entry.isFile()) files.push(path);
    }
    await Promise.all(dirs.map(walk));
  }
  await walk("");
  await eachLimited(links, 16, async (path) => symlink(await readlink(join(from, path)), join(to, path)));
  await eachLimited(files, 16, async (path) => {
    const src = join(from, path);
    const dest = join(to, path);
    if ((await lstat(src)).nlink === 1) {
      const linked = await link(src, dest).then(
        () => true,
        () => false, // another filesystem, a link count limit: a copy does as well
      );
      if (linked) return;
    }
    await copyFile(src, dest, constants.COPYFILE_FICLONE);
  });
}
