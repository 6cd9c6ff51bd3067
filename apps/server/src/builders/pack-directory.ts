import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, rename, stat } from "node:fs/promises";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { create as createTar } from "tar";
import type { BuiltArtifact } from "./builder.js";

/** All entries under dir in a stable order, so identical trees give identical archives (and digests). */
async function sortedEntries(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(rel: string): Promise<void> {
    const entries = await readdir(join(dir, rel), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      out.push(path);
      if (entry.isDirectory()) await walk(path);
    }
  }
  await walk("");
  return out;
}

/** Packs dir into a reproducible tar.gz named after its sha256 in outDir. */
export async function packDirectory(dir: string, outDir: string): Promise<BuiltArtifact> {
  await mkdir(outDir, { recursive: true });
  const entries = await sortedEntries(dir);
  const tmp = join(outDir, `.pack-${process.pid}-${Date.now()}.tar.gz`);
  const hash = createHash("sha256");
  // gzip level 3: half the CPU of the default 6 for some 8 % more bytes, which only cross a local or LAN link.
  const tar = createTar(
    { cwd: dir, gzip: { level: 3 }, portable: true, noDirRecurse: true, mtime: new Date(0) },
    entries,
  );
  const hashing = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(tar, hashing, createWriteStream(tmp));
  const hex = hash.digest("hex");
  const path = join(outDir, `${hex}.tar.gz`);
  await rename(tmp, path);
  return { digest: `sha256:${hex}`, sizeBytes: (await stat(path)).size, path };
}
