// Exec figures through the real path (gRPC client → server relay → entrypoint's outbound stream → PTY/pipes):
// time to run `true`, keystroke echo round trip, Ctrl-C under `yes`, and output throughput.
// Run: npx tsx bench/src/exec-roundtrip.ts   → bench/results/exec-roundtrip.json
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type StartExecStreamRequest,
  StartExecStreamRequestSchema,
  type StartExecStreamResponse,
} from "@berth/proto";
import { createPushQueue } from "@berth/streams";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { percentiles, startHarness } from "./runtime-harness.js";

const h = await startHarness("setInterval(() => {}, 1 << 30);\n");
type Msg = MessageInitShape<typeof StartExecStreamRequestSchema>["msg"];

/** An exec session with a callback per response. */
function session(args: string[], tty: boolean, onResponse: (r: StartExecStreamResponse) => void) {
  const q = createPushQueue<StartExecStreamRequest>();
  const send = (msg: Msg) => q.push(create(StartExecStreamRequestSchema, { msg }));
  send({
    case: "start",
    value: { deploymentId: h.deployment.deploymentId, args, tty, size: { cols: 80, rows: 24 } },
  });
  const done = (async () => {
    for await (const r of h.clients.exec.startExecStream(q)) onResponse(r);
    q.end();
  })();
  return { send, done };
}

// 1. Start to exit of `true` (a fresh session each time).
const startToExit: number[] = [];
for (let i = 0; i < 30; i++) {
  const t0 = performance.now();
  await session(["true"], false, () => {}).done;
  startToExit.push(performance.now() - t0);
}

// 2. Keystroke round trip in a PTY running `cat` (the PTY echoes each byte back).
const echo: number[] = [];
{
  let waiting: ((text: string) => void) | undefined;
  const s = session(["cat"], true, (r) => {
    if (r.msg.case === "stdout") waiting?.(Buffer.from(r.msg.value).toString());
  });
  await new Promise((r) => setTimeout(r, 500));
  for (let i = 0; i < 300; i++) {
    const key = String.fromCharCode(97 + (i % 26));
    const got = new Promise<void>((resolve) => {
      waiting = (text) => text.includes(key) && resolve();
    });
    const t0 = performance.now();
    s.send({ case: "stdin", value: Buffer.from(key) });
    await got;
    echo.push(performance.now() - t0);
  }
  s.send({ case: "stdin", value: Buffer.from("\n\x04") });
  await s.done;
}

// 3. Ctrl-C while `yes` floods the terminal: from sending ^C to the exit message.
const ctrlC: number[] = [];
let yesBytes = 0;
for (let i = 0; i < 5; i++) {
  let exitedAt = 0;
  const s = session(["yes"], true, (r) => {
    if (r.msg.case === "stdout") yesBytes += r.msg.value.byteLength;
    if (r.msg.case === "exit") exitedAt = performance.now();
  });
  await new Promise((r) => setTimeout(r, 1000));
  const t0 = performance.now();
  s.send({ case: "stdin", value: Buffer.from("\x03") });
  await s.done;
  ctrlC.push(exitedAt - t0);
}

// 4. Output throughput: 64 MiB through pipes.
let bytes = 0;
const t0 = performance.now();
await session(["head", "-c", String(64 * 1024 * 1024), "/dev/zero"], false, (r) => {
  if (r.msg.case === "stdout") bytes += r.msg.value.byteLength;
}).done;
const seconds = (performance.now() - t0) / 1000;
await h.close();

const result = {
  date: new Date().toISOString(),
  node: process.version,
  startToExitMs: percentiles(startToExit),
  keystrokeEchoMs: percentiles(echo),
  ctrlCUnderYesMs: percentiles(ctrlC),
  yesMbPerSecond: Math.round(yesBytes / 5 / 1e6),
  pipeThroughputMbPerSecond: Math.round(bytes / seconds / 1e6),
};
const out = fileURLToPath(new URL("../results/", import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "exec-roundtrip.json"), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
