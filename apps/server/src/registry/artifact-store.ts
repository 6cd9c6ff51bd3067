import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
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
  /** Path of a stored artifact's file. */
  pathOf(digest: string): string;
  open(digest: string): NodeJS.ReadableStream;
}

const digestPattern = /^sha256:([0-9a-f]{64})$/;

function hexOf(digest: string): string {
  const m = digestPattern.exec(digest);
  if (!m) throw new ConnectError(`digest "${digest}" is not sha256:<64 hex>`, Code.InvalidArgument);
  return m[1]!;
}

/** Creates the artifact store over a directory and the artifacts table. */
export function createArtifactStore(options: ArtifactStoreOptions): ArtifactStore {
  const { dir, db, maxBytes } = options;
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
    const tmp = join(dir, `.upload-${hex}-${process.pid}-${Date.now()}`);
    const hash = createHash("sha256");
    const out = existing.present ? undefined : createWriteStream(tmp);
    let received = 0;
    try {
      for await (const chunk of chunks) {
        signal?.throwIfAborted();
        received += chunk.byteLength;
        if (received > maxBytes || received > sizeBytes)
          throw new ConnectError(
            `artifact is larger than the declared ${sizeBytes} bytes (limit ${maxBytes})`,
            Code.InvalidArgument,
          );
        hash.update(chunk);
        if (out && !out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
      }
      if (out)
        await new Promise<void>((resolve, reject) =>
          out.end((err?: Error | null) => (err ? reject(err) : resolve())),
        );
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
      if (out) {
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
      out?.destroy();
      await rm(tmp, { force: true });
    }
  }

  return { has, receive, pathOf, open: (digest) => createReadStream(pathOf(digest)) };
}
