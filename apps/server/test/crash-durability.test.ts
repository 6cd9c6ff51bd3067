import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ArtifactService, AuthService, Role, TokenKind } from "@berth/proto";
import { afterEach, describe, expect, it } from "vitest";
import { clientFor } from "./helpers/api-client.js";
import { pollUntil } from "./helpers/runtime-fixture.js";
import { type SpawnedServer, spawnServer } from "./helpers/spawn-server.js";

const dirs: string[] = [];
const children: SpawnedServer[] = [];
afterEach(async () => {
  for (const s of children.splice(0)) {
    if (s.child.exitCode === null && s.child.signalCode === null) {
      s.child.kill("SIGKILL");
      await s.exited;
    }
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function client(apiUrl: string, secret: string) {
  return clientFor({ apiUrl }, AuthService, secret);
}

describe("berth server process", () => {
  it("loses no acknowledged write when SIGKILLed mid-write, and prints the bootstrap token only once", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "berth-crash-"));
    dirs.push(dataDir, `${dataDir}-apps`);
    const first = await spawnServer(dataDir);
    children.push(first);
    const secret = first.bootstrapToken!;
    const api = client(first.apiUrl, secret);

    // Eight writers create tokens as fast as they can; the server is killed while they are in flight.
    const acknowledged: string[] = [];
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const name = `w${w}-${i}`;
        try {
          await api.createToken({ kind: TokenKind.LOGIN, role: Role.VIEWER, name });
          acknowledged.push(name);
        } catch {
          return;
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    while (acknowledged.length < 40) await new Promise((resolve) => setImmediate(resolve));
    first.child.kill("SIGKILL");
    await first.exited;
    expect(first.stderr()).toContain("Bootstrap admin token");
    stop = true;
    await Promise.all(writers);

    const second = await spawnServer(dataDir);
    children.push(second);
    expect(second.bootstrapToken).toBeUndefined();
    const names = new Set((await client(second.apiUrl, secret).listTokens({})).tokens.map((t) => t.name));
    const lost = acknowledged.filter((n) => !names.has(n));
    expect(lost).toEqual([]);

    second.child.kill("SIGTERM");
    expect(await second.exited).toEqual([0, null]);
    expect(second.stderr()).not.toContain("Bootstrap admin token");
  });

  it("removes the partial upload of a push that a SIGKILL interrupted when it starts again", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "berth-crash-"));
    dirs.push(dataDir);
    const first = await spawnServer(dataDir);
    children.push(first);
    const secret = first.bootstrapToken!;
    const partials = () =>
      readdirSync(join(dataDir, "artifacts"), { withFileTypes: true })
        .filter((e) => e.name.startsWith(".upload-"))
        .map((e) => e.name);

    // A push that sends its first 64 KiB of a declared 1 MiB and then stalls until the server dies.
    let stalled: () => void = () => {};
    const stall = new Promise<void>((resolve) => {
      stalled = resolve;
    });
    async function* stallingPush() {
      yield { digest: `sha256:${"a".repeat(64)}`, sizeBytes: BigInt(1 << 20) };
      yield { chunk: new Uint8Array(64 * 1024) };
      await stall;
    }
    const push = clientFor({ apiUrl: first.apiUrl }, ArtifactService, secret)
      .uploadArtifact(stallingPush())
      .catch(() => "interrupted");
    await pollUntil(() => {
      try {
        return partials().length > 0;
      } catch {
        return false;
      }
    }, 30_000);
    first.child.kill("SIGKILL");
    await first.exited;
    stalled();
    expect(await push).toBe("interrupted");
    expect(partials()).toHaveLength(1);

    const second = await spawnServer(dataDir);
    children.push(second);
    expect(partials()).toEqual([]);
    second.child.kill("SIGTERM");
    expect(await second.exited).toEqual([0, null]);
  });
});
