import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";

/** The SQLite files of a data dir; SQLite gives each one's -wal and -shm the mode of the database file. */
const databases = ["berth.db", "logs.db"];

/**
 * Makes the data dir private to the server's user before anything is written to it: the dir 0700 and
 * its databases (with their -wal/-shm sidecars) 0600, created so rather than fixed afterwards. Existing
 * dirs and files from older versions are tightened the same way.
 */
export function makeDataDirPrivate(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  for (const name of databases) {
    const path = join(dataDir, name);
    closeSync(openSync(path, "a", 0o600));
    for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`])
      if (existsSync(file)) chmodSync(file, 0o600);
  }
}
