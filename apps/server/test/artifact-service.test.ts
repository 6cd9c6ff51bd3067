// The server registry over real gRPC: digest verification, deduplication, size checks; and a deploy of an
// artifact with "../" entries is refused before anything is unpacked.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ArtifactService } from "@berth/proto";
import { type Client, Code, ConnectError } from "@connectrpc/connect";
import { Header } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "../src/auth/tokens.js";
import { unpackArchive } from "../src/registry/safe-unpack.js";
import { clientFor } from "./helpers/api-client.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";

let server: TestServer;
let client: Client<typeof ArtifactService>;

const digestOf = (b: Uint8Array) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
async function* upload(digest: string, bytes: Uint8Array, sizeBytes = bytes.byteLength) {
  yield { digest, sizeBytes: BigInt(sizeBytes) };
  for (let i = 0; i < bytes.byteLength; i += 1000) yield { chunk: bytes.subarray(i, i + 1000) };
}

/** A tar.gz whose single entry is named `name` verbatim (tar's packer would strip "../"). */
function rawTarGz(name: string, content: string): Buffer {
  const body = Buffer.from(content);
  const header = Buffer.alloc(512);
  new Header({ path: name, mode: 0o644, size: body.length, type: "File", mtime: new Date(0) }).encode(
    header,
    0,
  );
  const padded = Buffer.concat([body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
  return gzipSync(Buffer.concat([header, padded, Buffer.alloc(1024)]));
}

beforeAll(async () => {
  server = await startTestServer();
  const { secret } = await issueToken(server.ctx.store.db, { kind: "login", role: "deployer", name: "t" });
  client = clientFor(server, ArtifactService, secret);
});

afterAll(async () => {
  await server?.dispose();
});

describe("ArtifactService", () => {
  it("stores by digest, deduplicates, and refuses a wrong digest or size", async () => {
    const bytes = rawTarGz("ok.txt", "x".repeat(5000));
    const digest = digestOf(bytes);
    const first = await client.uploadArtifact(upload(digest, bytes));
    expect(first).toMatchObject({ digest, sizeBytes: BigInt(bytes.length), deduplicated: false });
    expect((await client.hasArtifact({ digest })).present).toBe(true);
    expect((await client.uploadArtifact(upload(digest, bytes))).deduplicated).toBe(true);

    const wrong = `sha256:${"0".repeat(64)}`;
    const err = await client.uploadArtifact(upload(wrong, bytes)).catch((e: unknown) => ConnectError.from(e));
    expect(err).toMatchObject({ code: Code.InvalidArgument });
    expect((err as ConnectError).rawMessage).toContain(
      `artifact digest mismatch: declared ${wrong}, received ${digest}`,
    );
    expect((await client.hasArtifact({ digest: wrong })).present).toBe(false);

    const short = await client
      .uploadArtifact(upload(digest, bytes, bytes.length + 10))
      .catch((e: unknown) => ConnectError.from(e));
    expect((short as ConnectError).rawMessage).toContain("were declared");
  });

  it("refuses an artifact with ../ entries at upload, and unpacking refuses it too", async () => {
    const evil = rawTarGz("../escape.txt", "pwned");
    const digest = digestOf(evil);
    const err = await client.uploadArtifact(upload(digest, evil)).catch((e: unknown) => ConnectError.from(e));
    expect(err).toMatchObject({ code: Code.InvalidArgument });
    expect((err as ConnectError).rawMessage).toContain(
      'artifact refused: path "../escape.txt" climbs out with ".."',
    );
    expect((await client.hasArtifact({ digest })).present).toBe(false);
    const file = join(server.dataDir, "evil.tar.gz");
    writeFileSync(file, evil);
    const unpacked = await unpackArchive(file, join(server.dataDir, "unpacked")).catch((e: unknown) => e);
    expect(String(unpacked)).toContain("climbs out");
  });
});
