import { createWriteStream } from "node:fs";
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { create as createTar } from "tar";
import { afterEach, describe, expect, it } from "vitest";
import { UnsafeArchiveError, unpackArchive, unsafeEntryReason } from "./safe-unpack.js";

let dir = "";
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("unsafeEntryReason", () => {
  it("refuses climbing, absolute paths and escaping links", () => {
    expect(unsafeEntryReason("../etc/passwd", "File", undefined)).toMatch(/climbs out/);
    expect(unsafeEntryReason("a/../../b", "File", undefined)).toMatch(/climbs out/);
    expect(unsafeEntryReason("/etc/passwd", "File", undefined)).toMatch(/absolute/);
    expect(unsafeEntryReason("a/link", "SymbolicLink", "../../x")).toMatch(/escapes/);
    expect(unsafeEntryReason("a/link", "SymbolicLink", "/etc")).toMatch(/absolute/);
    expect(unsafeEntryReason("dev", "CharacterDevice", undefined)).toMatch(/unsupported/);
    expect(unsafeEntryReason("a/link", "SymbolicLink", "../b")).toBeUndefined();
    expect(unsafeEntryReason("a/b.txt", "File", undefined)).toBeUndefined();
  });
});

describe("unpackArchive", () => {
  it("gives the target and every entry, implicit directories too, to the owner", async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-unpack-"));
    const src = join(dir, "src");
    await mkdir(join(src, "a", "b"), { recursive: true });
    await writeFile(join(src, "a", "b", "c.txt"), "c");
    await symlink("b/c.txt", join(src, "a", "link"));
    const file = join(dir, "x.tar.gz");
    // No directory entries: "a" and "a/b" exist only as parents of the files.
    await pipeline(
      createTar({ cwd: src, gzip: true, noDirRecurse: true }, ["a/b/c.txt", "a/link"]),
      createWriteStream(file),
    );
    // As root, another user; otherwise ourselves (a chown to another user needs root).
    const uid = process.getuid?.() === 0 ? 65534 : (process.getuid?.() ?? 0);
    const gid = process.getuid?.() === 0 ? 65534 : (process.getgid?.() ?? 0);
    const target = join(dir, "app");
    await unpackArchive(file, target, { uid, gid });
    const paths = ["", ...(await readdir(target, { recursive: true }))];
    expect(paths).toEqual(expect.arrayContaining(["a", "a/b", "a/b/c.txt", "a/link"]));
    for (const p of paths) {
      const st = await lstat(join(target, p));
      expect([p, st.uid, st.gid]).toEqual([p, uid, gid]);
    }
  });

  it("unpacks a normal archive and refuses one with a link escaping the target", async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-unpack-"));
    const src = join(dir, "src");
    await import("node:fs/promises").then((fs) => fs.mkdir(src));
    await writeFile(join(src, "ok.txt"), "hello");
    await createTar({ cwd: src, file: join(dir, "good.tar.gz"), gzip: true }, ["ok.txt"]);
    await unpackArchive(join(dir, "good.tar.gz"), join(dir, "out"));
    expect(await readFile(join(dir, "out", "ok.txt"), "utf8")).toBe("hello");

    await symlink("../../outside", join(src, "evil"));
    await createTar({ cwd: src, file: join(dir, "bad.tar.gz"), gzip: true }, ["ok.txt", "evil"]);
    const err = await unpackArchive(join(dir, "bad.tar.gz"), join(dir, "out2")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsafeArchiveError);
    expect(String(err)).toContain('symlink "evil" escapes to "../../outside"');
  });

  it("refuses a chain of symlinks that climbs out one level per link (a/l11/etc/passwd is the host's)", async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-unpack-"));
    const src = join(dir, "src");
    await mkdir(join(src, "a"), { recursive: true });
    await writeFile(join(src, "ok.txt"), "hello");
    await symlink("..", join(src, "a", "l1"));
    for (let i = 2; i <= 11; i++) await symlink(`l${i - 1}/..`, join(src, "a", `l${i}`));
    const names = ["ok.txt", "a", ...Array.from({ length: 11 }, (_, i) => `a/l${i + 1}`)];
    await createTar({ cwd: src, file: join(dir, "chain.tar.gz"), gzip: true, noDirRecurse: true }, names);
    const out = join(dir, "out");
    const err = await unpackArchive(join(dir, "chain.tar.gz"), out).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsafeArchiveError);
    expect(String(err)).toContain('symlink "a/l2" -> "l1/.." resolves outside the tree');
    expect(await readdir(out).catch(() => [])).toEqual([]);
  });
});
