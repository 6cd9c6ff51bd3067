import { posix } from "node:path";

/** One entry of a file tree (an archive or a directory), by its path relative to the tree's root. */
export interface TreeEntry {
  path: string;
  kind: "symlink" | "hardlink" | "other";
  /** The link's target as stored (symlink: relative to the link's directory; hard link: to the root). */
  target?: string;
}

type Resolution = { inside: true; path: string } | { inside: false; why: "escapes" | "loops" };

const maxHops = 40; // Linux's own limit on symlinks followed in one lookup (ELOOP)

const parts = (p: string) => p.replace(/\\/g, "/").split("/");

/**
 * Resolves `path` (relative to the root) the way the kernel would, component by component, following the
 * tree's symlinks, so `a/l2 -> l1/..` is judged by where `l1` really leads, not by its text. Leaving the root
 * at any point counts as escaping: what lies outside differs between the build machine and the server.
 */
export function resolveInTree(
  path: string,
  symlinks: ReadonlyMap<string, string>,
  followLast = true,
): Resolution {
  const pending = parts(path);
  const done: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (done.length === 0) return { inside: false, why: "escapes" };
      done.pop();
      continue;
    }
    done.push(part);
    const target = symlinks.get(done.join("/"));
    if (target === undefined || (!followLast && pending.every((p) => p === "" || p === "."))) continue;
    if (++hops > maxHops) return { inside: false, why: "loops" };
    if (posix.isAbsolute(target.replace(/\\/g, "/")) || /^[a-zA-Z]:/.test(target))
      return { inside: false, why: "escapes" };
    done.pop();
    pending.unshift(...parts(target));
  }
  return { inside: true, path: done.join("/") };
}

/**
 * Why the tree's links are unsafe: a symlink whose chain of links leads out of the tree (or loops), a hard
 * link to something outside, or an entry that would be written through a symlink to outside. Empty when safe.
 */
export function unsafeLinks(entries: Iterable<TreeEntry>, limit = 5): string[] {
  const all = [...entries];
  const symlinks = new Map<string, string>();
  for (const e of all)
    if (e.kind === "symlink") symlinks.set(parts(e.path).filter(Boolean).join("/"), e.target ?? "");
  const problems: string[] = [];
  const say = (why: "escapes" | "loops", what: string) =>
    problems.push(why === "loops" ? `${what} is a symlink loop` : `${what} resolves outside the tree`);
  for (const e of all) {
    if (problems.length >= limit) break;
    // Where the entry itself is written: through no symlink that leaves the tree.
    const at = resolveInTree(e.path, symlinks, false);
    if (!at.inside) {
      say(at.why, `path "${e.path}"`);
      continue;
    }
    if (e.kind === "symlink") {
      const to = resolveInTree(e.path, symlinks, true);
      if (!to.inside) say(to.why, `symlink "${e.path}" -> "${e.target ?? ""}"`);
    } else if (e.kind === "hardlink") {
      const to = resolveInTree(e.target ?? "", symlinks, false);
      if (!to.inside) say(to.why, `hard link "${e.path}" -> "${e.target ?? ""}"`);
    }
  }
  return problems;
}
