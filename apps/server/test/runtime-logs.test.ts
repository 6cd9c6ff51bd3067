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
