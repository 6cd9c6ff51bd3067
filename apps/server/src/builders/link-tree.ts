import { constants } from "node:fs";
import { chmod, copyFile, link, lstat, mkdir, readdir, readlink, symlink } from "node:fs/promises";
import { join } from "node:path";
import { eachLimited } from "./each-limited.js";

/** What a linked file looked like: any write through a link changes one of these. */
export interface LinkedFile {
  path: string;
  fingerprint: string;
}

/** The fields of a file's stat that change when its bytes, size or permissions do (not its link count). */
export async function fingerprintOf(path: string): Promise<string | undefined> {
  const st = await lstat(path, { bigint: true }).catch(() => undefined);
  return st && `${st.ino}:${st.size}:${st.mtimeNs}:${st.mode}:${st.uid}:${st.gid}`;
}

/**
 * Recreates the tree `from` at `to` with hard links to its files: on this kind of disk, creating a file with
 * its bytes costs some twenty times a link, deleting one that reached the disk more. With `onlyPrivate`, a
 * file already linked elsewhere (nlink > 1: a pnpm store, the working tree) is copied instead. Returns each
 * linked file with its fingerprint, to tell later whether something wrote through a link.
 */
export async function linkTree(from: string, to: string, onlyPrivate: boolean): Promise<LinkedFile[]> {
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
  const linked: LinkedFile[] = [];
  await eachLimited(files, 16, async (path) => {
    const src = join(from, path);
    const dest = join(to, path);
    if (!onlyPrivate || (await lstat(src)).nlink === 1) {
      const fingerprint = await fingerprintOf(src);
      const ok = await link(src, dest).then(
        () => true,
        () => false, // another filesystem, a link count limit: a copy does as well
      );
      if (ok && fingerprint) {
        linked.push({ path, fingerprint });
        return;
      }
    }
    await copyFile(src, dest, constants.COPYFILE_FICLONE);
  });
  return linked;
}
