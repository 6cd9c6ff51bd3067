import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type GetLogStreamResponse, type LogLine, ProjectService } from "@berth/proto";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { describe, expect, it } from "vitest";
import { withToken } from "./helpers/api-client.js";
import {
  entrypointToken,
  loginToken,
  pollUntil,
  runtimeClients,
  seedDeployment,
} from "./helpers/runtime-fixture.js";
import { useRuntimeServer } from "./helpers/runtime-suite.js";
import { startTestServer } from "./helpers/test-server.js";

const rt = useRuntimeServer();

const text = (l: LogLine) => Buffer.from(l.data).toString("latin1");

async function readAll(stream: AsyncIterable<GetLogStreamResponse>): Promise<GetLogStreamResponse[]> {
  const out: GetLogStreamResponse[] = [];
  for await (const r of stream) out.push(r);
  return out;
}

describe("logs from real entrypoints", () => {
  it("streams an app's lines byte-exact, tagged with instance and stream, and follows new ones", async () => {
    const { server } = rt;
    const db = server.ctx.store.db;
    const d = await seedDeployment(db);
    await rt.spawnAll(d, () => `printf '\\033[31m<b>red</b>\\033[0m & \\377\\n'; echo oops >&2; read x`);
    const { logs } = runtimeClients(server.apiUrl, await loginToken(db, "viewer"));
    const ac = new AbortController();
    const got: LogLine[] = [];
    for await (const r of logs.getLogStream(
      { deploymentId: d.deploymentId, follow: true },
      { signal: ac.signal },
    )) {
      got.push(...r.lines);
      if (got.length >= 2) break;
    }
    ac.abort();
    const red = got.find((l) => l.stream === 1)!;
    expect(Buffer.from(red.data)).toEqual(Buffer.from("\x1b[31m<b>red</b>\x1b[0m & \xff", "latin1"));
    expect(red.instanceId).toBe(d.instanceIds[0]);
    expect(text(got.find((l) => l.stream === 2)!)).toBe("oops");
  });

  it("merges three instances by time and resumes from a cursor without duplicates", async () => {
    const { server } = rt;
    const db = server.ctx.store.db;
    const d = await seedDeployment(db, { count: 3 });
    await rt.spawnAll(
      d,
      (i) => `for n in 1 2 3 4 5 6 7 8 9 10; do echo "i${i} $n"; sleep 0.02; done; read x`,
    );
    const { logs } = runtimeClients(server.apiUrl, await loginToken(db, "viewer"));
    const all = await pollUntil(async () => {
      const lines = (await readAll(logs.getLogStream({ deploymentId: d.deploymentId }))).flatMap(
        (r) => r.lines,
      );
      return lines.length === 30 ? lines : undefined;
    }, 10_000);
    const times = all.map((l) => Number(l.timestamp!.seconds) * 1000 + l.timestamp!.nanos / 1e6);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(all.map((l) => l.instanceId))).toEqual(new Set(d.instanceIds));

    const first = await readAll(logs.getLogStream({ deploymentId: d.deploymentId, tailLines: 12 }));
    expect(first.flatMap((r) => r.lines).map(text)).toEqual(all.slice(-12).map(text));
    const cursor = first.at(-1)!.cursor;
    const extra = await entrypointToken(db, d.deploymentId);
    const { entrypoint } = runtimeClients(server.apiUrl, extra);
    await entrypoint.uploadLogs(
      (async function* () {
        yield {
          instanceId: d.instanceIds[1]!,
          lines: [{ data: Buffer.from("after cursor"), seq: 2n ** 62n, stream: 1 }],
        };
      })(),
    );
    const resumed = (await readAll(logs.getLogStream({ deploymentId: d.deploymentId, cursor }))).flatMap(
      (r) => r.lines,
    );
    expect(resumed.map(text)).toEqual(["after cursor"]);
  });

  it("keeps the lines across a server restart", async () => {
    const db = rt.server.ctx.store.db;
    const d = await seedDeployment(db);
    const { entrypoint } = runtimeClients(rt.server.apiUrl, await entrypointToken(db, d.deploymentId));
    await entrypoint.uploadLogs(
      (async function* () {
        yield {
          instanceId: d.instanceIds[0]!,
          lines: [1, 2, 3].map((n) => ({ data: Buffer.from(`line ${n}`), seq: BigInt(n), stream: 1 })),
        };
      })(),
    );
    const dataDir = rt.server.dataDir;
    await rt.server.close();
    rt.server = await startTestServer({ dataDir });
    const { logs } = runtimeClients(rt.server.apiUrl, await loginToken(rt.server.ctx.store.db, "viewer"));
    const lines = (await readAll(logs.getLogStream({ instanceId: d.instanceIds[0]! }))).flatMap(
      (r) => r.lines,
    );
    expect(lines.map(text)).toEqual(["line 1", "line 2", "line 3"]);
    expect(lines.map((l) => l.seq)).toEqual([1n, 2n, 3n]);
  });

  it("refuses entrypoint tokens outside their deployment", async () => {
    const { server } = rt;
    const db = server.ctx.store.db;
    const mine = await seedDeployment(db, { seq: 1 });
    const other = await seedDeployment(db, { seq: 2 });
    const { entrypoint, logs } = runtimeClients(server.apiUrl, await entrypointToken(db, mine.deploymentId));
    const upload = entrypoint.uploadLogs(
      (async function* () {
        yield { instanceId: other.instanceIds[0]!, lines: [{ data: Buffer.from("x"), seq: 1n, stream: 1 }] };
      })(),
    );
    await expect(upload).rejects.toMatchObject({ code: Code.PermissionDenied });
    const session = entrypoint.entrypointSession(
      (async function* () {
        yield {
          msg: {
            case: "hello" as const,
            value: {
              protocolVersion: 1,
              instanceId: other.instanceIds[0]!,
              deploymentId: other.deploymentId,
            },
          },
        };
      })(),
    );
    await expect(readAll(session as never)).rejects.toMatchObject({ code: Code.PermissionDenied });
    const err = await readAll(logs.getLogStream({ deploymentId: mine.deploymentId })).catch((e) =>
      ConnectError.from(e),
    );
    expect(err).toMatchObject({ code: Code.PermissionDenied });
    const projects = createClient(
      ProjectService,
      createGrpcTransport({
        baseUrl: server.apiUrl,
        interceptors: [withToken(await entrypointToken(db, mine.deploymentId))],
      }),
    );
    await expect(projects.listProjects({})).rejects.toMatchObject({ code: Code.PermissionDenied });
  });
});

describe("reading back every stored line", () => {
  const sum = (rs: GetLogStreamResponse[], f: (r: GetLogStreamResponse) => bigint) =>
    rs.reduce((n, r) => n + Number(f(r)), 0);

  it("gives a backfill of 20,000 lines all 20,000, before and after a restart", async () => {
    const db = rt.server.ctx.store.db;
    const d = await seedDeployment(db);
    const instanceId = d.instanceIds[0]!;
    const { entrypoint } = runtimeClients(rt.server.apiUrl, await entrypointToken(db, d.deploymentId));
    await entrypoint.uploadLogs(
      (async function* () {
        for (let n = 1; n <= 20_000; n += 1000) {
          const lines = Array.from({ length: 1000 }, (_, k) => ({
            data: Buffer.from(`line ${n + k}`),
            seq: BigInt(n + k),
            stream: 1,
          }));
          yield { instanceId, lines };
        }
      })(),
    );
    for (const round of ["before restart", "after restart"]) {
      const { logs } = runtimeClients(rt.server.apiUrl, await loginToken(rt.server.ctx.store.db, "viewer"));
      const got = await readAll(logs.getLogStream({ instanceId, tailLines: 20_000 }));
      const lines = got.flatMap((r) => r.lines);
      expect({ round, lines: lines.length, skipped: sum(got, (r) => r.skipped) }).toEqual({
        round,
        lines: 20_000,
        skipped: 0,
      });
      expect([text(lines[0]!), text(lines.at(-1)!)]).toEqual(["line 1", "line 20000"]);
      const dataDir = rt.server.dataDir;
      await rt.server.close();
      rt.server = await startTestServer({ dataDir });
    }
  }, 60_000);

  it("keeps the newest lines of every instance across restarts after 1,000x a small disk bound was written", async () => {
    const logMaxBytes = 64 * 1024;
    const d = await seedDeployment(rt.server.ctx.store.db, { count: 2 });
    const token = await entrypointToken(rt.server.ctx.store.db, d.deploymentId);
    const [chatty, quiet] = d.instanceIds as [string, string];
    const { dataDir } = rt.server;
    await rt.server.close();
    rt.server = await startTestServer({ dataDir, logMaxBytes });
    const pad = "x".repeat(2700);
    const seqs = new Map<string, number>();
    let written = 0;
    const upload = async (instanceId: string, batches: number, perBatch: number) => {
      const { entrypoint } = runtimeClients(rt.server.apiUrl, token);
      await entrypoint.uploadLogs(
        (async function* () {
          for (let b = 0; b < batches; b++) {
            const lines = Array.from({ length: perBatch }, () => {
              const seq = (seqs.get(instanceId) ?? 0) + 1;
              seqs.set(instanceId, seq);
              const data = Buffer.from(`${instanceId} ${seq} ${pad}`);
              written += data.byteLength;
              return { data, seq: BigInt(seq), stream: 1 };
            });
            yield { instanceId, lines };
          }
        })(),
      );
    };
    const newest = async (instanceId: string) => {
      const { logs } = runtimeClients(rt.server.apiUrl, await loginToken(rt.server.ctx.store.db, "viewer"));
      const rs = await readAll(logs.getLogStream({ instanceId, tailLines: 3 }));
      return rs.flatMap((r) => r.lines).map((l) => text(l).split(" ")[1]);
    };
    for (let round = 0; round < 5; round++) {
      await upload(quiet, 1, 1);
      await upload(chatty, 17, 300);
      const dataDirNow = rt.server.dataDir;
      await rt.server.close();
      rt.server = await startTestServer({ dataDir: dataDirNow, logMaxBytes });
      for (const id of [chatty, quiet]) {
        const last = seqs.get(id)!;
        const expected = [last - 2, last - 1, last].filter((n) => n > 0).map(String);
        expect({ id, lines: await newest(id) }).toEqual({ id, lines: expected });
      }
    }
    expect(written).toBeGreaterThan(1000 * logMaxBytes);
  }, 120_000);

  it("tells a reader who connects after an entrypoint outage how many lines the entrypoint dropped", async () => {
    const db = rt.server.ctx.store.db;
    const d = await seedDeployment(db);
    const token = await entrypointToken(db, d.deploymentId);
    const { dataDir, apiPort } = rt.server;
    // The outage: the server is down while the app writes more than the entrypoint's buffer holds (16 MiB):
    // 20,000 lines of 1 KiB, each starting with its number.
    await rt.server.close();
    const marks = mkdtempSync(join(tmpdir(), "berth-outage-"));
    const written = join(marks, "written");
    try {
      rt.spawn({
        token,
        deploymentId: d.deploymentId,
        instanceId: d.instanceIds[0]!,
        command: `awk 'BEGIN { pad = sprintf("%1024s", ""); for (i = 1; i <= 20000; i++) print i pad }'; touch ${written}; exec sleep 600`,
      });
      await pollUntil(() => existsSync(written), 30_000);
      rt.server = await startTestServer({ dataDir, apiPort });
      const { logs } = runtimeClients(rt.server.apiUrl, await loginToken(rt.server.ctx.store.db, "viewer"));
      // Complete lines are their number and 1,024 spaces. Under load the entrypoint may flush a partial line
      // (after 250 ms without its newline), so a line can arrive in pieces; only complete lines are compared.
      const numberOf = (l: LogLine) => (/^\d+ {1024}$/.test(text(l)) ? Number(text(l).trimEnd()) : undefined);
      const got = await pollUntil(async () => {
        const rs = await readAll(logs.getLogStream({ deploymentId: d.deploymentId, tailLines: 100_000 }));
        return rs.at(-1)?.lines.some((l) => numberOf(l) === 20_000) ? rs : undefined;
      }, 30_000);
      const dropped = sum(got, (r) => r.dropped);
      expect(dropped).toBeGreaterThan(0);
      // The drop is announced once, on the message whose first line follows the gap: the oldest lines went.
      const marked = got.filter((r) => r.dropped > 0n);
      expect(marked).toHaveLength(1);
      expect(numberOf(marked[0]!.lines[0]!)).toBe(dropped + 1);
      const numbers = got.flatMap((r) => r.lines).flatMap((l) => numberOf(l) ?? []);
      expect(numbers[0]).toBe(dropped + 1);
      expect(numbers.every((n, i) => i === 0 || n > numbers[i - 1]!)).toBe(true);
      expect(numbers.length).toBeGreaterThan(20_000 - dropped - 10);
      expect(sum(got, (r) => r.skipped)).toBe(0);
    } finally {
      rmSync(marks, { recursive: true, force: true });
    }
  }, 90_000);
});
