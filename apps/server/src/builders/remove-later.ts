import { readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { ulid } from "ulid";

const trashPrefix = "trash-";

/**
 * Removes a scratch tree without waiting for it: renamed aside at once (so its name is free and no build
 * mistakes it for live), deleted in the background. Deleting thousands of files that reached the disk can
 * take a second or more (freed blocks are discarded), time a build should not wait for. A tree left over by
 * a process that exited first is swept by the next call.
 */
export async function removeLater(dir: string, trashDir: string): Promise<void> {
  const aside = join(trashDir, `${trashPrefix}${ulid()}`);
  const moved = await rename(dir, aside).then(
    () => true,
    () => false,
  );
  if (!moved) {
    await rm(dir, { recursive: true, force: true });
    return;
  }
  void sweepTrash(trashDir);
}

async function sweepTrash(trashDir: string): Promise<void> {
  const names = await readdir(trashDir).catch(() => [] as string[]);
  for (const name of names)
    if (name.startsWith(trashPrefix))
      await rm(join(trashDir, name), { recursive: true, force: true }).catch(() => undefined);
}
