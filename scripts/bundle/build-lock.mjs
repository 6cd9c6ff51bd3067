// An exclusive lock for bundle builds: two builders at once (two Vitest runs, `npm start` beside a test run) would
// swap their dist/ directories into each other. Only Node built-ins: ensure-deps imports it before anything else.
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** A lock file whose writer has not put its pid in yet is that young; older and empty, it is a crash's leftover. */
const unwrittenGraceMs = 5_000;

/** Whether a process with this pid exists (EPERM: it exists, it is just not ours). */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === "EPERM";
  }
}

/** Why the lock at `path` no longer protects anything (its holder died), or undefined while it is held. */
export function staleReason(path) {
  let text;
  let mtimeMs;
  try {
    text = readFileSync(path, "utf8");
    mtimeMs = statSync(path).mtimeMs;
  } catch (e) {
    if (e.code === "ENOENT") return "gone";
    throw e;
  }
  const pid = Number.parseInt(text, 10);
  if (!Number.isInteger(pid) || pid <= 0) {
    return Date.now() - mtimeMs > unwrittenGraceMs ? "no pid in it" : undefined;
  }
  return isAlive(pid) ? undefined : `its holder (pid ${pid}) is gone`;
}

/** Creates the lock file if nobody holds it: O_EXCL, so of two builders exactly one gets it. */
function tryCreate(path) {
  try {
    const fd = openSync(path, "wx");
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return true;
  } catch (e) {
    if (e.code === "EEXIST") return false;
    throw e;
  }
}

/**
 * Takes the lock at `path`, waiting while a live process holds it and taking over one whose holder died.
 * Returns the function that releases it.
 */
export async function acquireBuildLock(path, { timeoutMs = 180_000, pollMs = 100 } = {}) {
  mkdirSync(dirname(path), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  while (!tryCreate(path)) {
    const stale = staleReason(path);
    if (stale) {
      // Whoever then creates it with O_EXCL first wins. (Two waiters that find the same dead holder in the same
      // instant could both get through; builds are idempotent and swapped in by rename, so the loser fails loudly.)
      try {
        unlinkSync(path);
      } catch (e) {
        if (e.code !== "ENOENT") throw e;
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `another bundle build still holds ${path} after ${timeoutMs / 1000} s (delete it if it is not running)`,
      );
    }
    await sleep(pollMs);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    try {
      if (Number.parseInt(readFileSync(path, "utf8"), 10) === process.pid) unlinkSync(path);
    } catch (e) {
      if (e.code !== "ENOENT") throw e;
    }
  };
}
