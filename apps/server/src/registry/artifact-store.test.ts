import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../store/open-store.js";
import { createArtifactStore } from "./artifact-store.js";

let dir = "";
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function* chunks(bytes: Buffer) {
  yield bytes;
}

describe("artifact store limits", () => {
  it("refuses artifacts over the size limit, declared or actual", async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-artifact-store-"));
    store = await openStore({ path: join(dir, "berth.db") });
    const artifacts = createArtifactStore({ dir: join(dir, "artifacts"), db: store.db, maxBytes: 100 });
    const big = Buffer.alloc(150, 1);
    const digest = `sha256:${createHash("sha256").update(big).digest("hex")}`;
    const declared = await artifacts
      .receive(digest, 150, chunks(big))
      .catch((e: unknown) => ConnectError.from(e));
    expect(declared).toMatchObject({
      code: Code.ResourceExhausted,
      rawMessage: "artifact of 150 bytes exceeds the limit of 100 bytes",
    });
    const lied = await artifacts.receive(digest, 50, chunks(big)).catch((e: unknown) => ConnectError.from(e));
    expect(lied).toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "artifact is larger than the declared 50 bytes (limit 100)",
    });
    expect((await artifacts.has(digest)).present).toBe(false);
  });
});

describe("artifact store write errors", () => {
  it("fails an upload whose file cannot be written (disk full) with a clear error and leaves nothing behind", async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-artifact-store-"));
    store = await openStore({ path: join(dir, "berth.db") });
    // /dev/full fails every write with ENOSPC: the kernel's own full disk.
    const artifacts = createArtifactStore({
      dir: join(dir, "artifacts"),
      db: store.db,
      maxBytes: 1 << 20,
      openUpload: () => createWriteStream("/dev/full"),
    });
    const bytes = Buffer.alloc(200_000, 7);
    const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    async function* slices() {
      for (let i = 0; i < bytes.length; i += 16_384) yield bytes.subarray(i, i + 16_384);
    }
    const err = await artifacts
      .receive(digest, bytes.length, slices())
      .catch((e: unknown) => ConnectError.from(e));
    expect(err).toMatchObject({
      code: Code.ResourceExhausted,
      rawMessage: `the server has no disk space left to store artifact ${digest}`,
    });
    expect((await artifacts.has(digest)).present).toBe(false);
    expect((await readdir(join(dir, "artifacts"))).filter((n) => n.startsWith(".upload-"))).toEqual([]);
  });
});
