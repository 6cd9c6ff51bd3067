import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import { checkArchive } from "./safe-unpack.js";

export interface ArtifactStoreOptions {
  /** Directory holding `sha256/<hex>.tar.gz`. */
  dir: string;
  db: Kysely<Database>;
  /** Largest artifact accepted, in bytes. */
  maxBytes: number;
  /** Opens the file an upload is written to; tests inject a failing stream. Default: a new file. */
  openUpload?: (path: string) => Writable;
}

export interface ReceivedArtifact {
  digest: string;
  sizeBytes: number;
  deduplicated: boolean;
}

/** The server's content-addressed artifact store (the `server` registry). */
export interface ArtifactStore {
  has(digest: string): Promise<{ present: boolean; sizeBytes: number }>;
  /** Streams an artifact in, verifying size and digest; an existing digest is deduplicated. */
  receive(
    digest: string,
    sizeBytes: number,
    chunks: AsyncIterable<Uint8Array>,
    signal?: AbortSignal,
  ): Promise<ReceivedArtifact>;
  /** Removes the partial uploads a killed server left behind; returns how many. Call before serving. */
  sweepUploads(): Promise<number>;
  /** Path of a stored artifact's file. */
  pathOf(digest: string): string;
  open(digest: string): NodeJS.ReadableStream;
}

/** Partial uploads are written next to the store as `.upload-<hex>-<pid>-<ms>` and renamed when verified. */
const uploadPrefix = ".upload-";

const digestPattern = /^sha256:([0-9a-f]{64})$/;

function hexOf(digest: string): string {
  const m = digestPattern.exec(digest);
  if (!m) throw new ConnectError(`digest "${digest}" is not sha256:<64 hex>`, Code.InvalidArgument);
  return m[1]!;
}

/** A sink for deduplicated uploads: the bytes are hashed and counted, not stored. */
function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}

/** A failed upload as the client sees it: our own errors as they are, a failed write as a clear storage error. */
function storeError(err: unknown, digest: string): ConnectError {
  if (err instanceof ConnectError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ABORT_ERR")
    return new ConnectError("artifact upload was cancelled", Code.Canceled, undefined, undefined, err);
  if (code === "ENOSPC" || code === "EDQUOT")
    return new ConnectError(
      `the server has no disk space left to store artifact ${digest}`,
      Code.ResourceExhausted,
      undefined,
      undefined,
      err,
    );
  return new ConnectError(
    `the server could not store artifact ${digest}`,
    Code.Internal,
    undefined,
    undefined,
    err,
  );
}

/** Creates the artifact store over a directory and the artifacts table. */
export function createArtifactStore(options: ArtifactStoreOptions): ArtifactStore {
  const { dir, db, maxBytes } = options;
  const openUpload = options.openUpload ?? ((path: string) => createWriteStream(path, { flags: "wx" }));
  const pathOf = (digest: string) => join(dir, "sha256", `${hexOf(digest)}.tar.gz`);

  async function has(digest: string) {
    const st = await stat(pathOf(digest)).catch(() => undefined);
    return { present: !!st, sizeBytes: st?.size ?? 0 };
  }

  async function receive(
    digest: string,
    sizeBytes: number,
    chunks: AsyncIterable<Uint8Array>,
    signal?: AbortSignal,
  ): Promise<ReceivedArtifact> {
    const hex = hexOf(digest);
    if (sizeBytes > maxBytes)
      throw new ConnectError(
        `artifact of ${sizeBytes} bytes exceeds the limit of ${maxBytes} bytes`,
        Code.ResourceExhausted,
      );
    const existing = await has(digest);
    await mkdir(join(dir, "sha256"), { recursive: true });
    const tmp = join(dir, `${uploadPrefix}${hex}-${process.pid}-${Date.now()}`);
    const hash = createHash("sha256");
    let received = 0;
    async function* verified(source: AsyncIterable<Uint8Array>) {
      for await (const chunk of source) {
        received += chunk.byteLength;
        if (received > maxBytes || received > sizeBytes)
          throw new ConnectError(
            `artifact is larger than the declared ${sizeBytes} bytes (limit ${maxBytes})`,
            Code.InvalidArgument,
          );
        hash.update(chunk);
        yield chunk;
      }
    }
    try {
      // pipeline() listens for the file's errors (a full disk) and ends every stage on any failure.
      const sink = existing.present ? discard() : openUpload(tmp);
      await pipeline(chunks, verified, sink, signal ? { signal } : {}).catch((err: unknown) => {
        throw storeError(err, digest);
      });
      if (received !== sizeBytes)
        throw new ConnectError(
          `artifact has ${received} bytes, but ${sizeBytes} were declared`,
          Code.InvalidArgument,
        );
      const actual = hash.digest("hex");
      if (actual !== hex)
        throw new ConnectError(
          `artifact digest mismatch: declared sha256:${hex}, received sha256:${actual}`,
          Code.InvalidArgument,
        );
      if (!existing.present) {
        // Refuse at the door what no platform may unpack ("../", absolute paths, escaping links).
        await checkArchive(tmp).catch((err: unknown) => {
          throw new ConnectError((err as Error).message, Code.InvalidArgument, undefined, undefined, err);
        });
        await rename(tmp, pathOf(digest));
      }
      await db
        .insertInto("artifacts")
        .values({ digest, size: sizeBytes, created_at: Date.now() })
        .onConflict((oc) => oc.column("digest").doNothing())
        .execute();
      return { digest, sizeBytes, deduplicated: existing.present };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async function sweepUploads(): Promise<number> {
    const names = await readdir(dir).catch(() => [] as string[]);
    const stale = names.filter((n) => n.startsWith(uploadPrefix));
    await Promise.all(stale.map((n) => rm(join(dir, n), { force: true })));
    return stale.length;
  }

  return { has, receive, sweepUploads, pathOf, open: (digest) => createReadStream(pathOf(digest)) };
}
