import { lchown, mkdir } from "node:fs/promises";
import { isAbsolute, join, posix } from "node:path";
import { extract, list } from "tar";
import { type TreeEntry, unsafeLinks } from "./tree-links.js";

/** Why an entry of an archive may not be unpacked, or undefined when it is safe. */
export function unsafeEntryReason(
  path: string,
  type: string,
  linkpath: string | undefined,
): string | undefined {
  const p = path.replace(/\\/g, "/");
  if (isAbsolute(p) || /^[a-zA-Z]:/.test(p)) return `absolute path "${path}"`;
  if (p.split("/").includes("..")) return `path "${path}" climbs out with ".."`;
  if (type === "SymbolicLink") {
    const target = linkpath ?? "";
    if (isAbsolute(target)) return `symlink "${path}" points at absolute path "${target}"`;
    const resolved = posix.normalize(posix.join(posix.dirname(p), target));
    if (resolved === ".." || resolved.startsWith("../")) return `symlink "${path}" escapes to "${target}"`;
  }
  if (type === "Link") {
    const target = (linkpath ?? "").replace(/\\/g, "/");
    if (isAbsolute(target) || target.split("/").includes(".."))
      return `hard link "${path}" escapes to "${target}"`;
  }
  if (!["File", "OldFile", "ContiguousFile", "Directory", "SymbolicLink", "Link"].includes(type))
    return `entry "${path}" has unsupported type ${type}`;
  return undefined;
}

/** The archive is refused: it contains a path or link that would land outside the target directory. */
export class UnsafeArchiveError extends Error {
  override name = "UnsafeArchiveError";
}

/**
 * Reads every entry of a tar.gz and throws UnsafeArchiveError if any could land outside its target: on its
 * own ("../", absolute) or together with the archive's other links (a chain like `l2 -> l1/..`). Returns them.
 */
export async function checkArchive(file: string): Promise<TreeEntry[]> {
  const problems: string[] = [];
  const entries: TreeEntry[] = [];
  try {
    await list({
      file,
      strict: true,
      onReadEntry: (entry) => {
        const reason = unsafeEntryReason(entry.path, entry.type, entry.linkpath);
        if (reason && problems.length < 5) problems.push(reason);
        const kind = entry.type === "SymbolicLink" ? "symlink" : entry.type === "Link" ? "hardlink" : "other";
        entries.push({ path: entry.path, kind, target: entry.linkpath });
      },
    });
  } catch (err) {
    throw new UnsafeArchiveError(`artifact refused: not a readable tar.gz (${(err as Error).message})`, {
      cause: err,
    });
  }
  if (problems.length === 0) problems.push(...unsafeLinks(entries));
  if (problems.length > 0) throw new UnsafeArchiveError(`artifact refused: ${problems.join("; ")}`);
  return entries;
}

/**
 * Unpacks a tar.gz into target after checking every entry first: no absolute paths, no "..", no links
 * escaping the target, no device files. Refuses the whole archive rather than skipping entries. With
 * `owner`, target and everything in it belong to that user (set as each entry is written: no second walk).
 */
export async function unpackArchive(
  file: string,
  target: string,
  owner?: { uid: number; gid: number },
): Promise<void> {
  const entries = await checkArchive(file);
  await mkdir(target, { recursive: true });
  await extract({ file, cwd: target, strict: true, preserveOwner: false, ...owner });
  if (!owner) return;
  // tar sets the owner of files and directories as it writes them, not of symlinks.
  await lchown(target, owner.uid, owner.gid);
  for (const entry of entries)
    if (entry.kind === "symlink") await lchown(join(target, entry.path), owner.uid, owner.gid);
}
