import { mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
});
