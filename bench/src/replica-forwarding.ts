// Forwarding between replicas: two in-process servers on one fresh PostgreSQL database, a real entrypoint connected
// to A. Log write→follower latency for a follower on A (the owner) and one on B (forwarded from A) at once, and the
// keystroke echo round trip of a PTY through A and through B (B forwards the exec stream to A).
// Run: npx tsx bench/src/replica-forwarding.ts   → bench/results/replica-forwarding.json
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type StartExecStreamRequest,
  StartExecStreamRequestSchema,
  type StartExecStreamResponse,
} from "@berth/proto";
import { defaultServerOptions, type RunningServer, startServer } from "@berth/server";
import { createPushQueue } from "@berth/streams";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import pino from "pino";
import { entrypointRuntime } from "../../apps/server/src/entrypoint/entrypoint-runtime.js";
import {
  entrypointToken,
  loginToken,
  pollUntil,
  runtimeClients,
  seedDeployment,
  spawnEntrypoint,
  stopEntrypoint,
} from "../../apps/server/test/helpers/runtime-fixture.js";
import { createTestDatabase } from "../../apps/server/test/helpers/test-stores.js";
import { percentiles } from "./runtime-harness.js";

const now = () => performance.timeOrigin + performance.now();
const dir = mkdtempSync(join(tmpdir(), "berth-bench-fwd-"));
const database = await createTestDatabase();
const replica = (name: string) =>
  startServer({
    ...defaultServerOptions(join(dir, name)),
    store: database.url,
    stopAppsOnExit: true,
    apiPort: 0,
    routerPort: 0,
    builtinRunner: false,
    logger: pino({ level: "silent" }),
  });
const servers: RunningServer[] = [await replica("a"), await replica("b")];
const [a, b] = servers as [RunningServer, RunningServer];
const db = a.ctx.store.db;
const d = await seedDeployment(db);
const app = join(dir, "app.mjs");
writeFileSync(
  app,
  `const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
await sleep(500);
for (let i = 0; i < 1000; i++) { process.stdout.write("t=" + now().toFixed(3) + "\\n"); await sleep(10); }
process.stdout.write("done\\n");
await sleep(600000);
`,
);
const entry = spawnEntrypoint({
  apiUrl: a.apiUrl,
  token: await entrypointToken(db, d.deploymentId),
  deploymentId: d.deploymentId,
  instanceId: d.instanceIds[0]!,
  command: `exec node ${app}`,
  cwd: dir,
});
await pollUntil(() => entrypointRuntime(a.ctx).sessions.isConnected(d.instanceIds[0]!), 15_000);
const token = await loginToken(db, "deployer");
const onA = runtimeClients(a.apiUrl, token);
const onB = runtimeClients(b.apiUrl, token);

/** Write→receive latencies of the app's timed lines, for a follower of the deployment through `clients`. */
async function follow(clients: typeof onA): Promise<number[]> {
  const out: number[] = [];
  for await (const res of clients.logs.getLogStream({
    deploymentId: d.deploymentId,
    follow: true,
    tailLines: 1,
  })) {
    const at = now();
    for (const line of res.lines) {
      const text = Buffer.from(line.data).toString();
      if (text === "done") return out;
      const m = /^t=([\d.]+)$/.exec(text);
      if (m) out.push(at - Number(m[1]));
    }
  }
  return out;
}
const [owner, forwarded] = await Promise.all([follow(onA), follow(onB)]);

type Msg = MessageInitShape<typeof StartExecStreamRequestSchema>["msg"];
/** Keystroke echo round trips of `cat` in a PTY, through `clients`. */
async function echo(clients: typeof onA): Promise<number[]> {
  const q = createPushQueue<StartExecStreamRequest>();
  const send = (msg: Msg) => q.push(create(StartExecStreamRequestSchema, { msg }));
  let waiting: ((text: string) => void) | undefined;
  let started: () => void = () => {};
  const isStarted = new Promise<void>((r) => {
    started = r;
  });
  send({
    case: "start",
    value: { deploymentId: d.deploymentId, args: ["cat"], tty: true, size: { cols: 80, rows: 24 } },
  });
  const done = (async () => {
    for await (const r of clients.exec.startExecStream(q) as AsyncIterable<StartExecStreamResponse>) {
      if (r.msg.case === "started") started();
      if (r.msg.case === "stdout") waiting?.(Buffer.from(r.msg.value).toString());
    }
    q.end();
  })();
  await isStarted;
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const key = String.fromCharCode(97 + (i % 26));
    const got = new Promise<void>((resolve) => {
      waiting = (text) => text.includes(key) && resolve();
    });
    const t0 = performance.now();
    send({ case: "stdin", value: Buffer.from(key) });
    await got;
    times.push(performance.now() - t0);
  }
  send({ case: "stdin", value: Buffer.from("\n\x04") });
  await done;
  return times.slice(20);
}
const echoOnA = await echo(onA);
const echoOnB = await echo(onB);

await stopEntrypoint(entry);
for (const s of servers) await s.close();
await database.drop();
rmSync(dir, { recursive: true, force: true });

const result = {
  date: new Date().toISOString(),
  node: process.version,
  logFollowerOnOwnerMs: percentiles(owner.slice(50)),
  logFollowerForwardedMs: percentiles(forwarded.slice(50)),
  execEchoOnOwnerMs: percentiles(echoOnA),
  execEchoForwardedMs: percentiles(echoOnB),
};
const out = fileURLToPath(new URL("../results/", import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "replica-forwarding.json"), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
