import { copyFile, lstat, mkdir, readdir, readlink, symlink } from "node:fs/promises";
import { dirname, join } from "node:path";

/** Copies the listed files (relative paths) from src to dest, keeping symlinks as links. */
export async function copyFiles(src: string, dest: string, files: string[]): Promise<number> {
  const made = new Set<string>();
  let copied = 0;
  for (const file of files) {
    const from = join(src, file);
    const to = join(dest, file);
    const st = await lstat(from).catch(() => undefined);
    if (!st || st.isDirectory()) continue;
    const parent = dirname(to);
    if (!made.has(parent)) {
      await mkdir(parent, { recursive: true });
      made.add(parent);
    }
    if (st.isSymbolicLink()) await symlink(await readlink(from), to);
    else await copyFile(from, to);
    copied++;
  }
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
